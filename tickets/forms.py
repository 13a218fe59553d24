"""The forms of signalements (the intake page and the paper slips, in the paper form's order),
triage, merge, the board's filters, and the alerts' triage."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from continuity.models import Application
from crisis.models import Establishment, Membership, Service
from web.forms import DATETIME_INPUT_FORMATS, DATETIME_LOCAL, BoundedDateTimeField, Unsuffixed

from .models import Alert, Ticket

# The paper form's patient-safety boxes, and what each means for the ticket.
SAFETY_CHOICES = (
    ("aucun", _("aucun impact")),
    ("retardes", _("soins retardés")),
    ("impossibles", _("soins impossibles")),
    ("danger", _("patient en danger")),
)
SAFETY_PRIORITY = {"aucun": None, "retardes": Ticket.Priority.P2, "impossibles": Ticket.Priority.P2, "danger": 1}


def _services(establishment: Establishment):
    return Service.objects.filter(establishment=establishment, is_active=True)


def _members(establishment: Establishment):
    return (
        get_user_model()
        .objects.filter(pk__in=Membership.objects.filter(establishment=establishment, is_active=True).values("user_id"))
        .order_by("last_name", "first_name", "username")
    )


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return user.get_full_name() or user.get_username()


class SignalementForm(Unsuffixed, forms.Form):
    """What the field says, in the order of the paper form (pdf/signalement_form.html)."""

    service = forms.ModelChoiceField(label=_("Service, unité"), queryset=Service.objects.none())
    reporter_name = forms.CharField(label=_("Déclarant (nom, fonction)"), max_length=120)
    reporter_phone = forms.CharField(
        label=_("Téléphone ou DECT pour vous joindre"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    description = forms.CharField(
        label=_("Ce qui a été constaté"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Message à l'écran, fichiers illisibles, lenteur, application inaccessible, appel suspect…"),
    )
    application_name = forms.CharField(
        label=_("Postes, applications, équipements concernés"),
        max_length=120,
        required=False,
        help_text=_("Nom ou numéro du poste, application, appareil biomédical"),
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=Ticket.Category.choices, initial=Ticket.Category.AUTRE)
    safety = forms.ChoiceField(
        label=_("Sécurité des patients"), choices=SAFETY_CHOICES, initial="aucun", widget=forms.RadioSelect
    )

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(establishment)

    def ticket_values(self) -> dict:
        data = dict(self.cleaned_data)
        safety = data.pop("safety")
        data["patient_safety"] = safety != "aucun"
        data["priority"] = SAFETY_PRIORITY[safety]
        data["reporter_service"] = data["service"].name
        return data


class PaperSlipForm(SignalementForm):
    """A paper slip typed by a runner: the time written on it first, then the same fields."""

    field_order = ["service", "observed_at"]
    observed_at = BoundedDateTimeField(
        label=_("Date et heure du constat"),
        required=False,
        widget=DATETIME_LOCAL,
        input_formats=DATETIME_INPUT_FORMATS,
        help_text=_("Vide : maintenant."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].widget.attrs["autofocus"] = True  # the next slip starts at once
        self.fields["description"].widget.attrs["data-submit-on-enter"] = ""  # Enter saves, Shift+Enter: new line

    def ticket_values(self) -> dict:
        data = super().ticket_values()
        data["created_at"] = data.pop("observed_at", None)
        return data


class TriageForm(Unsuffixed, forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=Ticket.Status.choices)
    priority = forms.TypedChoiceField(label=_("Priorité"), choices=Ticket.Priority.choices, coerce=int)
    category = forms.ChoiceField(label=_("Catégorie"), choices=Ticket.Category.choices)
    track = forms.ChoiceField(label=_("Filière"), choices=Ticket.Track.choices)
    service = forms.ModelChoiceField(label=_("Service, unité"), queryset=Service.objects.none(), required=False)
    application = forms.ModelChoiceField(
        label=_("Application (cartographie)"), queryset=Application.objects.none(), required=False
    )
    application_name = forms.CharField(
        label=_("Application (texte libre)"),
        max_length=120,
        required=False,
        help_text=_("Pour une application absente de la cartographie."),
    )
    patient_safety = forms.BooleanField(label=_("Impact sur la sécurité des patients"), required=False)
    assigned_to = MemberChoiceField(label=_("Attribué à"), queryset=get_user_model().objects.none(), required=False)
    assigned_team = forms.CharField(label=_("Équipe"), max_length=120, required=False)
    answer = forms.CharField(
        label=_("Réponse au déclarant"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(establishment)
        self.fields["application"].queryset = Application.objects.filter(establishment=establishment)
        self.fields["assigned_to"].queryset = _members(establishment)


class QuickForm(Unsuffixed, forms.Form):
    """The board's inline move and assignment of one ticket."""

    status = forms.ChoiceField(label=_("Statut"), choices=Ticket.Status.choices)
    assigned_to = MemberChoiceField(
        label=_("Attribué à"), queryset=get_user_model().objects.none(), required=False, empty_label=_("personne")
    )

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["assigned_to"].queryset = members


class MergeForm(Unsuffixed, forms.Form):
    into = forms.CharField(
        label=_("N° du ticket qui reste"),
        max_length=12,
        help_text=_("Par exemple T-0012 : ce ticket-ci y est fusionné."),
    )

    def clean_into(self) -> int:
        match = re.fullmatch(r"\s*(?:[tT]-?)?0*(\d{1,9})\s*", self.cleaned_data["into"])
        if not match:
            raise forms.ValidationError(_("Numéro attendu, comme T-0012."))
        return int(match.group(1))


class BoardFilterForm(Unsuffixed, forms.Form):
    service = forms.ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label="—"
    )
    category = forms.ChoiceField(label=_("Catégorie"), choices=[("", "—"), *Ticket.Category.choices], required=False)
    priority = forms.TypedChoiceField(
        label=_("Priorité"), choices=[("", "—"), *Ticket.Priority.choices], coerce=int, empty_value=None, required=False
    )
    track = forms.ChoiceField(label=_("Filière"), choices=[("", "—"), *Ticket.Track.choices], required=False)
    patient_safety = forms.NullBooleanField(
        label=_("Sécurité des patients"),
        required=False,
        widget=forms.Select(choices=[("", "—"), ("true", _("avec impact")), ("false", _("sans impact"))]),
    )
    q = forms.CharField(label=_("Rechercher"), max_length=200, required=False)

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(establishment)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = dict(self.cleaned_data)
        data["service"] = data["service"].pk if data.get("service") else None
        return data


class AlertActionForm(Unsuffixed, forms.Form):
    ACTIONS = (
        ("status", _("changer le statut")),
        ("isolate", _("hôte isolé")),
        ("ticket", _("ouvrir un ticket")),
        ("journal", _("écrire dans la main courante")),
    )
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Statut"), choices=Alert.Status.choices, required=False)


class AlertFilterForm(Unsuffixed, forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=[("", "—"), *Alert.Status.choices], required=False)
    severity = forms.ChoiceField(label=_("Sévérité"), choices=[("", "—"), *Alert.Severity.choices], required=False)
    host = forms.CharField(label=_("Hôte"), max_length=200, required=False)

    def filters(self) -> dict:
        return dict(self.cleaned_data) if self.is_valid() else {}


class ReportMonthForm(Unsuffixed, forms.Form):
    month = forms.RegexField(
        label=_("Mois"), regex=r"^20\d\d-(0[1-9]|1[0-2])$", widget=forms.TextInput(attrs={"type": "month"})
    )

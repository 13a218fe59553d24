from django import forms
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service
from web.forms import local_datetime_field

from . import catalogue
from .models import Application, ApplicationStatus, Procedure

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _services(establishment: Establishment):
    return Service.objects.filter(establishment=establishment, is_active=True)


def _applications(establishment: Establishment):
    return Application.objects.filter(establishment=establishment).order_by("name")


class ProcedureNewForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    template = forms.ChoiceField(
        label=_("Modèle"),
        choices=[(key, label) for key, (label, _kind, _body) in catalogue.TEMPLATES.items()],
        help_text=_("Le brouillon part de ce plan ; il se complète ensuite sur la page de la procédure."),
    )
    title = forms.CharField(label=_("Intitulé"), max_length=200)

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(establishment)


class ProcedureDraftForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    kind = forms.ChoiceField(label=_("Nature"), choices=Procedure.Kind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    trigger_applications = forms.ModelMultipleChoiceField(
        label=_("Déclenchée par la panne de"),
        queryset=Application.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    owner = forms.CharField(label=_("Responsable"), max_length=200, required=False)
    review_due = forms.DateField(label=_("Prochaine revue"), required=False, widget=DATE)
    tested_at = forms.DateField(label=_("Dernier exercice"), required=False, widget=DATE)
    body = forms.CharField(
        label=_("Contenu (Markdown)"),
        max_length=50_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 22}),
        help_text=_("« ## » pour un titre, « - » ou « 1. » pour une liste, **gras**. Le HTML n'est pas interprété."),
    )

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(establishment)
        self.fields["trigger_applications"].queryset = _applications(establishment)


class PublishForm(forms.Form):
    review_due = forms.DateField(
        label=_("Prochaine revue"),
        required=False,
        widget=DATE,
        help_text=_("Dans un an si vide."),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier JSON ou YAML"),
        help_text=_("Un export de procédures de la console ; chaque procédure devient un brouillon."),
    )


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=120)
    kind = forms.ChoiceField(label=_("Nature"), choices=Application.Kind.choices)
    vendor = forms.CharField(label=_("Éditeur"), max_length=120, required=False)
    purpose = forms.CharField(label=_("Usage"), max_length=300, required=False)
    hosting = forms.ChoiceField(label=_("Hébergement"), choices=Application.Hosting.choices)
    criticality = forms.ChoiceField(
        label=_("Criticité"), choices=Application.Criticality.choices, initial=Application.Criticality.MEDIUM
    )
    priority = forms.TypedChoiceField(
        label=_("Priorité de redémarrage"),
        choices=[(n, str(n)) for n in range(1, 5)],
        coerce=int,
        initial=3,
        help_text=_("1 : redémarre en premier ; 4 : en dernier."),
    )
    rto_hours = forms.IntegerField(label=_("RTO (heures)"), min_value=0, max_value=100_000, required=False)
    rpo_hours = forms.IntegerField(label=_("RPO (heures)"), min_value=0, max_value=100_000, required=False)
    depends_on = forms.ModelMultipleChoiceField(
        label=_("Dépend de"), queryset=Application.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    services = forms.ModelMultipleChoiceField(
        label=_("Services utilisateurs"),
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    backup_verified_at = forms.DateField(label=_("Sauvegarde vérifiée le"), required=False, widget=DATE)
    backup_verified_by = forms.CharField(label=_("Sauvegarde vérifiée par"), max_length=120, required=False)

    def __init__(self, *args, establishment: Establishment, exclude: Application | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        applications = _applications(establishment)
        if exclude is not None:
            applications = applications.exclude(pk=exclude.pk)
        self.fields["depends_on"].queryset = applications
        self.fields["services"].queryset = _services(establishment)


class StatusForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    status = forms.ChoiceField(label=_("État"), choices=ApplicationStatus.Status.choices)
    comment = forms.CharField(label=_("Commentaire"), max_length=500, required=False)
    eta = local_datetime_field(_("Rétablissement estimé"), required=False)


class WorkaroundForm(forms.Form):
    description = forms.CharField(label=_("Contournement"), max_length=500)
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    application = forms.ModelChoiceField(
        label=_("Application remplacée"), queryset=Application.objects.none(), required=False
    )
    since = local_datetime_field(_("Depuis le"), required=False, help_text=_("Maintenant si vide."))
    until = local_datetime_field(_("Jusqu'au"), required=False)
    cost = forms.DecimalField(label=_("Coût (€)"), min_value=0, max_digits=12, decimal_places=2, required=False)

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = _services(establishment)
        self.fields["application"].queryset = _applications(establishment)


class ReentryKindForm(forms.Form):
    kind = forms.CharField(label=_("Nature"), max_length=120, help_text=_("Par ex. actes de facturation."))
    total = forms.IntegerField(label=_("Nombre à ressaisir"), min_value=0, max_value=10_000_000)


class ReentryDayForm(forms.Form):
    reentry = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    count = forms.IntegerField(label=_("Saisies du jour"), min_value=0, max_value=1_000_000)
    day = forms.DateField(label=_("Jour"), required=False, widget=DATE, help_text=_("Aujourd'hui si vide."))

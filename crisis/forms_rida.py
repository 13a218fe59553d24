"""Forms of the RIDA, points de situation and decisions pages (plain forms; htmx only makes them faster)."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from .forms import MAX_TEXT, Unsuffixed, local_datetime_field
from .models import Decision, Meeting, RidaLine
from .selectors import RidaFilters


def members_of(crisis):
    """Active members of the crisis's establishment, by name: the owners and attendees one may choose."""
    return (
        get_user_model()
        .objects.filter(memberships__establishment_id=crisis.establishment_id, memberships__is_active=True)
        .order_by("last_name", "first_name", "username")
    )


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


class MemberChoices:
    """Member fields queried once per form (a table renders one inline form per row)."""

    member_fields: tuple[str, ...] = ()

    def __init__(self, *args, crisis, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        members = members if members is not None else list(members_of(crisis))
        choices = [(user.pk, _person(user)) for user in members]
        by_pk = {user.pk: user for user in members}
        for name in self.member_fields:
            field = self.fields[name]
            field.choices = choices if isinstance(field, forms.MultipleChoiceField) else [("", "—")] + choices
        self.members = by_pk

    def member(self, value):
        return self.members.get(int(value)) if value not in (None, "") else None


class RidaFilterForm(MemberChoices, Unsuffixed, forms.Form):
    member_fields = ("owner",)
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + RidaLine.Kind.choices, required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=[("", _("Tous"))] + RidaLine.Status.choices, required=False)
    owner = forms.ChoiceField(label=_("Porteur"), required=False)
    theme = forms.ChoiceField(label=_("Thème"), required=False)
    overdue = forms.BooleanField(label=_("En retard seulement"), required=False)
    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = [("", _("Tous"))] + self.fields["owner"].choices[1:]
        self.fields["theme"].choices = [("", _("Tous"))] + [(theme, theme) for theme in themes]

    def filters(self) -> RidaFilters:
        """The valid filters; an invalid one is ignored (and shown as an error on the form)."""
        if not self.is_bound:
            return RidaFilters()
        self.is_valid()
        data = self.cleaned_data
        return RidaFilters(
            kind=data.get("kind") or "",
            status=data.get("status") or "",
            owner=int(data["owner"]) if data.get("owner") else None,
            theme=data.get("theme") or "",
            overdue=bool(data.get("overdue")),
            q=data.get("q") or "",
        )

    def query(self) -> dict:
        """The valid, non-empty filters as query parameters (the API's names: the export links reuse them)."""
        filters = self.filters()
        params = {name: getattr(filters, name) for name in ("kind", "status", "owner", "theme", "q")}
        params = {name: value for name, value in params.items() if value}
        if filters.overdue:
            params["overdue"] = 1
        return params


class RidaLineForm(MemberChoices, Unsuffixed, forms.Form):
    member_fields = ("owner",)
    kind = forms.ChoiceField(label=_("Type"), choices=RidaLine.Kind.choices, initial=RidaLine.Kind.ACTION)
    theme = forms.CharField(label=_("Thème"), max_length=120, required=False)
    text = forms.CharField(label=_("Texte"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.ChoiceField(label=_("Porteur (membre)"), required=False)
    owner_other = forms.CharField(label=_("ou personne, service"), max_length=200, required=False)
    due_at = local_datetime_field(_("Échéance"), required=False)
    source_label = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        help_text=_("Si elle n'est pas une entrée de la main courante."),
    )
    source_entry = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)
    meeting = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**63 - 1)
    next = forms.CharField(widget=forms.HiddenInput, required=False, max_length=500)


class RidaEditForm(MemberChoices, Unsuffixed, forms.Form):
    member_fields = ("owner",)
    theme = forms.CharField(label=_("Thème"), max_length=120, required=False)
    text = forms.CharField(label=_("Texte"), max_length=MAX_TEXT, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ChoiceField(label=_("Porteur (membre)"), required=False)
    owner_other = forms.CharField(label=_("ou personne, service"), max_length=200, required=False)
    due_at = local_datetime_field(_("Échéance"), required=False)
    status = forms.ChoiceField(label=_("Statut"), choices=RidaLine.Status.choices)
    answer = forms.CharField(
        label=_("Réponse apportée"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    abandon_reason = forms.CharField(
        label=_("Motif d'abandon"),
        max_length=MAX_TEXT,
        required=False,
        help_text=_("Obligatoire pour abandonner une ligne."),
    )


class RidaQuickForm(Unsuffixed, forms.Form):
    """The inline change of a row: its status or its owner."""

    status = forms.ChoiceField(choices=RidaLine.Status.choices, required=False)
    owner = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1)
    abandon_reason = forms.CharField(max_length=MAX_TEXT, required=False)
    next = forms.CharField(required=False, max_length=500)


class MeetingForm(MemberChoices, Unsuffixed, forms.Form):
    member_fields = ("chair", "attendees")
    kind = forms.ChoiceField(label=_("Type de point"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Intitulé"), max_length=200, required=False)
    scheduled_at = local_datetime_field(_("Prévu le"))
    max_minutes = forms.IntegerField(label=_("Durée maximale (min)"), min_value=5, max_value=240, initial=30)
    chair = forms.ChoiceField(label=_("Président"), required=False)
    attendees = forms.MultipleChoiceField(
        label=_("Participants"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    guests = forms.CharField(
        label=_("Invités"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Un par ligne : ANSSI, ARS, RSSI du GHT…"),
    )
    agenda_items = forms.CharField(
        label=_("Points divers"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Un par ligne.")
    )
    repeats_daily = forms.BooleanField(
        label=_("Créneau quotidien (le point suivant est planifié à la même heure)"), required=False
    )

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["chair"] = self.member(data["chair"])
        data["attendees"] = [self.member(pk) for pk in data["attendees"]]
        for name in ("guests", "agenda_items"):
            data[name] = [line.strip() for line in data[name].splitlines() if line.strip()]
        return data


YES_NO = [("", _("non précisé")), ("1", _("oui")), ("0", _("non"))]


class DecisionForm(Unsuffixed, forms.Form):
    gate = forms.ChoiceField(label=_("Décision"), choices=Decision.Gate.choices, widget=forms.HiddenInput)
    occurred_at = local_datetime_field(_("Décidée à"), required=False, help_text=_("Laisser vide pour maintenant."))
    reassess_at = local_datetime_field(_("Prochaine réévaluation"), required=False)
    opinion = forms.CharField(label=_("Avis sur lequel elle s'appuie"), max_length=300, required=False)
    pathway = forms.CharField(label=_("Filière"), max_length=200, required=False)
    destination = forms.CharField(label=_("Destination"), max_length=200, required=False)
    ars_informed = forms.TypedChoiceField(
        label=_("ARS informée"), choices=YES_NO, coerce=lambda v: v == "1", empty_value=None, required=False
    )
    samu_informed = forms.TypedChoiceField(
        label=_("SAMU informé"), choices=YES_NO, coerce=lambda v: v == "1", empty_value=None, required=False
    )
    details = forms.CharField(
        label=_("Précisions"), max_length=MAX_TEXT, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    # The fields each gate asks for, besides the time and the details.
    GATE_FIELDS = {
        Decision.Gate.URGENCES_FERMEES: ("reassess_at",),
        Decision.Gate.RECONNEXION_INTERNET: ("opinion",),
        Decision.Gate.DETOURNEMENT_PATIENTS: ("pathway", "destination", "ars_informed", "samu_informed"),
    }

    def service_kwargs(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        for name in ("ars_informed", "samu_informed"):
            data[name] = self.cleaned_data.get(name)
        return data

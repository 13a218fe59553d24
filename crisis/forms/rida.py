"""Forms of the RIDA table (plain forms; htmx only makes them faster)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import (
    Unsuffixed,
    local_datetime_field,
)

from ..models import RidaLine
from ..selectors import RidaFilters
from .journal import MAX_TEXT
from .members import MemberChoices


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

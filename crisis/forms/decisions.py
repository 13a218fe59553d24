"""Forms of the decisions (gates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import (
    Unsuffixed,
    local_datetime_field,
)

from ..models import Decision
from .journal import MAX_TEXT

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
    # The number of a "décision" entry of the main courante this decision records (linked, not rewritten).
    entry = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=2**31 - 1)

    # The fields each gate asks for, besides the time and the details.
    GATE_FIELDS = {
        Decision.Gate.URGENCES_FERMEES: ("reassess_at",),
        Decision.Gate.RECONNEXION_INTERNET: ("opinion",),
        Decision.Gate.DETOURNEMENT_PATIENTS: ("pathway", "destination", "ars_informed", "samu_informed"),
    }

    def service_kwargs(self) -> dict:
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        data.pop("entry", None)  # the view turns it into the journal entry
        for name in ("ars_informed", "samu_informed"):
            data[name] = self.cleaned_data.get(name)
        return data

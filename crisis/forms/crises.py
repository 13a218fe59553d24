"""Forms of a crisis: opening, its record, its phase, its closure."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import (
    Unsuffixed,
    local_datetime_field,
)

from ..models import Crisis, Phase


class CrisisForm(Unsuffixed, forms.ModelForm):
    detected_at = local_datetime_field(_("Détectée le"), required=False, help_text=_("Laisser vide pour maintenant."))
    awareness_at = local_datetime_field(
        _("Prise de connaissance"), required=False, help_text=_("Point de départ des délais de 72 h (CNIL, plainte).")
    )

    class Meta:
        model = Crisis
        fields = ["establishment", "title", "kind", "severity", "detected_at", "awareness_at"]

    def __init__(self, *args, establishments=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["establishment"].queryset = establishments
        self.fields["establishment"].empty_label = None


class CrisisEditForm(Unsuffixed, forms.Form):
    title = forms.CharField(label=_("Intitulé"), max_length=200)
    severity = forms.TypedChoiceField(label=_("Gravité"), choices=Crisis.Severity.choices, coerce=int)
    detected_at = local_datetime_field(_("Détectée le"))
    awareness_at = local_datetime_field(
        _("Prise de connaissance"), required=False, help_text=_("Point de départ des délais de 72 h (CNIL, plainte).")
    )
    declared_at = local_datetime_field(_("Déclarée le"), required=False, help_text=_("Signalement CERT Santé / ARS."))


class CloseForm(Unsuffixed, forms.Form):
    note = forms.CharField(label=_("Motif"), max_length=500, required=False)
    confirm = forms.BooleanField(label=_("Je confirme la fin de crise : la main courante sera scellée."))


class PhaseForm(Unsuffixed, forms.Form):
    phase = forms.ChoiceField(label=_("Nouvelle phase"), choices=Phase.choices)
    note = forms.CharField(label=_("Motif"), required=False, max_length=500)

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from web.forms import local_datetime_field

from .models import Cost, Obligation, Retex


class ObligationForm(forms.Form):
    status = forms.ChoiceField(
        label=_("État"),
        choices=[
            (Obligation.Status.A_FAIRE, _("à faire")),
            (Obligation.Status.FAIT, _("fait")),
            (Obligation.Status.NON_APPLICABLE, _("non applicable")),
        ],
    )
    done_at = local_datetime_field(_("Fait le"), required=False, help_text=_("Vide : maintenant."))
    reference = forms.CharField(label=_("Référence"), max_length=120, required=False)
    late_reason = forms.CharField(label=_("Motif du retard"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    complement_at = local_datetime_field(_("Complément envoyé le"), required=False)
    complement_reference = forms.CharField(label=_("Référence du complément"), max_length=120, required=False)
    attachment = forms.FileField(
        label=_("Pièce jointe (récépissé, accusé de réception)"),
        required=False,
        help_text=_("PDF ou photo, 10 Mo au plus."),
    )

    def __init__(self, *args, obligation: Obligation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].label = capfirst(obligation.reference_label)
        if obligation.kind != "cnil":
            del self.fields["complement_at"]
            del self.fields["complement_reference"]

    def changes(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("attachment", None)
        return data


class CostForm(forms.ModelForm):
    class Meta:
        model = Cost
        fields = ["category", "amount", "date", "label", "supplier", "reference", "covered_by"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class RetexForm(forms.ModelForm):
    class Meta:
        model = Retex
        fields = list(Retex.SECTIONS)
        widgets = {name: forms.Textarea(attrs={"rows": 6}) for name in Retex.SECTIONS}


class RetexActionForm(forms.Form):
    text = forms.CharField(label=_("Action"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner_other = forms.CharField(label=_("Porteur"), max_length=200, required=False)
    due_at = local_datetime_field(_("Échéance"), required=False)

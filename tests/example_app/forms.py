from django import forms
from django.utils.translation import gettext_lazy as _

from crisis.models import Establishment, Service

from .models import Consigne


class ConsigneForm(forms.Form):
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none())
    title = forms.CharField(label=_("Consigne"), max_length=200)

    def __init__(self, *args, establishment: Establishment, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(establishment=establishment, is_active=True)


class StatusForm(forms.Form):
    consigne = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    status = forms.ChoiceField(label=_("État"), choices=Consigne.Status.choices)

"""Forms of the points de situation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import (
    Unsuffixed,
    local_datetime_field,
)

from ..models import Meeting
from .members import MemberChoices


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

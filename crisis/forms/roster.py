"""Forms of the cell's roster: taking a post, handing it over."""

from django import forms
from django.utils.translation import gettext_lazy as _

from web.forms import Unsuffixed

from ..models import Role
from .members import members_of, person


class ShiftStartForm(Unsuffixed, forms.Form):
    role = forms.ChoiceField(label=_("Rôle"), choices=Role.choices)
    holder = forms.ModelChoiceField(label=_("Titulaire"), queryset=None)
    deputy = forms.ModelChoiceField(label=_("Suppléant"), queryset=None, required=False)

    def __init__(self, *args, crisis, **kwargs):
        super().__init__(*args, **kwargs)
        _members_as_choices(self, crisis, "holder", "deputy")


class HandoverForm(Unsuffixed, forms.Form):
    to_holder = forms.ModelChoiceField(label=_("Relevé par"), queryset=None)
    deputy = forms.ModelChoiceField(label=_("Suppléant"), queryset=None, required=False)
    summary = forms.CharField(
        label=_("Synthèse de relève"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Situation, objectifs, actions en cours et prévues."),
    )

    def __init__(self, *args, crisis, **kwargs):
        super().__init__(*args, **kwargs)
        _members_as_choices(self, crisis, "to_holder", "deputy")


def _members_as_choices(form: forms.Form, crisis, *names: str) -> None:
    """Members of the crisis's establishment, queried once: the roster renders one form per role."""
    members = members_of(crisis)
    choices = [("", "---------")] + [(user.pk, person(user)) for user in members]
    for name in names:
        form.fields[name].queryset = members  # validation still goes through the queryset
        form.fields[name].choices = choices

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from web import ratelimit

from .models import Crisis, JournalEntry, Phase, Role
from .selectors import JournalFilters

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]
# Longest text of a journal entry or correction (the API uses the same bound).
MAX_TEXT = 20_000


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where the form has it, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


class BoundedDateTimeField(forms.DateTimeField):
    """A date the console can store and convert: year 1 or 9999 would overflow time zone arithmetic."""

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except OverflowError:
            result = None
            raise ValidationError(_("Date hors des limites acceptées."), code="out_of_range") from None
        if result is not None and not 2000 <= result.year <= 2100:
            raise ValidationError(_("Date hors des limites acceptées."), code="out_of_range")
        return result


class Unsuffixed:
    """Labels without Django's trailing colon (the layout puts them above the field)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def local_datetime_field(label, **kwargs) -> forms.DateTimeField:
    return BoundedDateTimeField(label=label, widget=DATETIME_LOCAL, input_formats=DATETIME_INPUT_FORMATS, **kwargs)


class LoginThrottle:
    """Slows down, then refuses, an address that keeps failing for an account (see web.ratelimit)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = ratelimit.client_address(self.request)
        # Checked before the password: a throttled guesser must not learn whether it was right.
        wait = ratelimit.login_wait(username, address)
        if wait:
            raise ValidationError(ratelimit.wait_message(wait), code="throttled")
        try:
            cleaned = super().clean()
        except ValidationError:
            ratelimit.login_failed(username, address)
            raise
        ratelimit.login_succeeded(username, address)
        return cleaned


class ThrottledLoginForm(LoginThrottle, Unsuffixed, AuthenticationForm):
    """The console's login form."""


class ThrottledAdminLoginForm(LoginThrottle, AdminAuthenticationForm):
    """The admin's login form: staff accounts are the most powerful ones, the same limits apply."""


class JournalEntryForm(Unsuffixed, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=JournalEntry.Kind.choices, initial=JournalEntry.Kind.FAIT)
    text = forms.CharField(
        label=_("Texte"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "placeholder": _("Que s'est-il passé ? (Entrée pour ajouter, Maj+Entrée pour un retour à la ligne)"),
                "data-submit-on-enter": "",
                "autofocus": "",
            }
        ),
    )
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=JournalEntry.Priority.choices, initial=JournalEntry.Priority.NORMAL
    )
    channel = forms.ChoiceField(
        label=_("Canal"), choices=JournalEntry.Channel.choices, initial=JournalEntry.Channel.TELEPHONE
    )
    sender = forms.CharField(label=_("Émetteur"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Destinataire"), max_length=200, required=False)
    occurred_at = local_datetime_field(
        _("Heure de l'événement"), required=False, help_text=_("Laisser vide pour maintenant.")
    )
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        help_text=_("Photo d'une note papier (JPEG, PNG, WebP) ou PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )


class CorrectionForm(Unsuffixed, forms.Form):
    text = forms.CharField(
        label=_("Texte corrigé"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("L'entrée d'origine reste visible, marquée comme corrigée."),
    )


class JournalFilterForm(Unsuffixed, forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=[("", _("Tous"))] + JournalEntry.Kind.choices, required=False)
    priority = forms.ChoiceField(
        label=_("Priorité"), choices=[("", _("Toutes"))] + JournalEntry.Priority.choices, required=False
    )
    author = forms.TypedChoiceField(label=_("Auteur"), coerce=int, required=False, empty_value=None)
    since = local_datetime_field(_("Depuis"), required=False)
    until = local_datetime_field(_("Jusqu'à"), required=False)
    q = forms.CharField(label=_("Recherche"), required=False, max_length=200)

    def __init__(self, *args, authors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["author"].choices = [("", _("Tous"))] + [
            (m.user_id, m.user.get_full_name() or m.user.username) for m in authors
        ]

    def filters(self) -> JournalFilters:
        """The valid filters; an invalid one is ignored (and shown as an error on the form)."""
        if not self.is_bound:
            return JournalFilters()
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}
        return JournalFilters(**data)


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


def _member_choices(crisis):
    users = (
        get_user_model()
        .objects.filter(memberships__establishment_id=crisis.establishment_id, memberships__is_active=True)
        .order_by("last_name", "first_name")
    )
    return users


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


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def _members_as_choices(form: forms.Form, crisis, *names: str) -> None:
    """Members of the crisis's establishment, queried once: the roster renders one form per role."""
    members = _member_choices(crisis)
    choices = [("", "---------")] + [(user.pk, _person(user)) for user in members]
    for name in names:
        form.fields[name].queryset = members  # validation still goes through the queryset
        form.fields[name].choices = choices

import re
from datetime import datetime, time

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
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
    aliases = getattr(form, "service_fields", {})
    for field, errors in error.error_dict.items():
        field = aliases.get(field, field)
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


class SegmentedRadio(forms.RadioSelect):
    """Radio buttons shown as one row of buttons; each option may carry an access key."""

    template_name = "crisis/widgets/segmented.html"
    option_template_name = "crisis/widgets/segmented_option.html"

    def __init__(self, *args, keys: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = keys or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if key := self.keys.get(str(value)):
            option["attrs"]["accesskey"] = key
            option["key"] = key.upper()
        return option


# One letter per choice, the same in French and English (Fait/Fact, Décision/Decision...).
KIND_KEYS = {"fait": "f", "information": "i", "decision": "d", "action": "a", "communication": "c"}
PRIORITY_KEYS = {"urgent": "u", "normal": "n", "info": "p"}
TIME_PATTERNS = (
    re.compile(r"^(?P<h>\d{1,2})\s*[:hH.]\s*(?P<m>\d{2})?$"),  # 07:40, 7h40, 7h, 7.40
    re.compile(r"^(?P<h>\d{1,2})(?P<m>\d{2})$"),  # 0740, 740
    re.compile(r"^(?P<h>\d{1,2})$"),  # 7
)
YEARS = (2000, 2100)


class EventTimeField(forms.CharField):
    """A time of day typed as fast as possible: "0740", "07:40", "7h40", "740" or "7"."""

    widget = forms.TextInput(
        attrs={"inputmode": "numeric", "autocomplete": "off", "size": 5, "maxlength": 5, "placeholder": "hhmm"}
    )
    default_error_messages = {"invalid": _("Heure invalide : tapez par exemple 0740, 07:40 ou 7h40.")}

    def to_python(self, value) -> time | None:
        value = super().to_python(value).strip()
        if not value:
            return None
        for pattern in TIME_PATTERNS:
            if match := pattern.match(value):
                hour, minute = int(match["h"]), int(match.groupdict().get("m") or 0)  # "7" has no minutes group
                if hour < 24 and minute < 60:
                    return time(hour, minute)
        raise ValidationError(self.error_messages["invalid"], code="invalid")


class EventDateField(forms.DateField):
    """The event's day, shown (today by default) and changeable; years kept to what the console stores."""

    widget = forms.DateInput(
        attrs={"type": "date", "min": f"{YEARS[0]}-01-01", "max": f"{YEARS[1]}-12-31"}, format="%Y-%m-%d"
    )
    input_formats = ["%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"]
    default_error_messages = {"invalid": _("Date invalide ou année hors des limites (2000 à 2100) : jj/mm/aaaa.")}

    def to_python(self, value):
        try:
            result = super().to_python(value)
        except (OverflowError, ValueError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if result is not None and not YEARS[0] <= result.year <= YEARS[1]:
            raise ValidationError(
                _("Année hors des limites : de %(first)s à %(last)s.") % {"first": YEARS[0], "last": YEARS[1]},
                code="out_of_range",
            )
        return result


class EventTimeForm(forms.Form):
    """Date and time of the event as two fields; cleaned into `occurred_at` (None: now)."""

    # The services name the moment occurred_at: their errors go next to the time.
    service_fields = {"occurred_at": "time"}
    # An empty time: now (a new entry), or unchanged (a correction).
    empty_time_is_now = True

    def clean(self):
        cleaned = super().clean()
        day, moment = cleaned.get("date"), cleaned.get("time")
        if "date" in self.errors or "time" in self.errors:
            return cleaned
        today = timezone.localdate()
        if moment is None:
            if self.empty_time_is_now and day not in (None, today):
                self.add_error("time", _("Indiquez l'heure de l'événement pour un autre jour qu'aujourd'hui."))
            cleaned["occurred_at"] = None
        else:
            cleaned["occurred_at"] = timezone.make_aware(datetime.combine(day or today, moment))
        return cleaned


class JournalEntryForm(Unsuffixed, EventTimeForm):
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=JournalEntry.Kind.choices,
        initial=JournalEntry.Kind.FAIT,
        widget=SegmentedRadio(keys=KIND_KEYS),
    )
    priority = forms.ChoiceField(
        label=_("Priorité"),
        choices=JournalEntry.Priority.choices,
        initial=JournalEntry.Priority.NORMAL,
        widget=SegmentedRadio(keys=PRIORITY_KEYS),
    )
    date = EventDateField(label=_("Date"), required=False)
    time = EventTimeField(label=_("Heure"), required=False, help_text=_("Vide : maintenant."))
    text = forms.CharField(
        label=_("Texte"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _("Que s'est-il passé ?"), "data-submit-on-enter": ""}),
    )
    channel = forms.ChoiceField(
        label=_("Canal"), choices=JournalEntry.Channel.choices, initial=JournalEntry.Channel.NON_PRECISE, required=False
    )
    sender = forms.CharField(label=_("Émetteur"), max_length=200, required=False)
    recipient = forms.CharField(label=_("Destinataire"), max_length=200, required=False)
    attachment = forms.FileField(
        label=_("Pièce jointe"),
        required=False,
        help_text=_("Photo d'une note papier (JPEG, PNG, WebP) ou PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}),
    )

    def __init__(self, *args, remembered: dict | None = None, **kwargs):
        """`remembered`: the type and channel this member chose last, kept for the next entry."""
        initial = {"date": timezone.localdate(), **(remembered or {}), **kwargs.pop("initial", {})}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["text"].widget.attrs["autofocus"] = ""

    def entry_fields(self) -> dict:
        """What journal_append takes."""
        fields = {name: self.cleaned_data[name] for name in ("kind", "priority", "text", "channel", "sender")}
        fields |= {"recipient": self.cleaned_data["recipient"], "attachment": self.cleaned_data["attachment"]}
        fields["channel"] = fields["channel"] or JournalEntry.Channel.NON_PRECISE
        fields["occurred_at"] = self.cleaned_data["occurred_at"]
        return fields


class CorrectionForm(Unsuffixed, EventTimeForm):
    """A correction may change the text, type, priority, time and channel; it starts from the entry's values."""

    text = forms.CharField(
        label=_("Texte corrigé"),
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("L'entrée d'origine reste visible, marquée comme corrigée."),
    )
    # Each field starts from the entry's value; one left out of the request stays as it was.
    kind = forms.ChoiceField(
        label=_("Type"), choices=JournalEntry.Kind.choices, widget=SegmentedRadio(keys=KIND_KEYS), required=False
    )
    priority = forms.ChoiceField(
        label=_("Priorité"),
        choices=JournalEntry.Priority.choices,
        widget=SegmentedRadio(keys=PRIORITY_KEYS),
        required=False,
    )
    date = EventDateField(label=_("Date"), required=False)
    time = EventTimeField(label=_("Heure"), required=False)
    channel = forms.ChoiceField(label=_("Canal"), choices=JournalEntry.Channel.choices, required=False)
    empty_time_is_now = False

    def __init__(self, *args, original: JournalEntry, **kwargs):
        self.original = original
        local = timezone.localtime(original.occurred_at)
        initial = {
            "text": original.text,
            "kind": original.kind,
            "priority": original.priority,
            "channel": original.channel,
            "date": local.date(),
            "time": local.strftime("%H:%M"),
        }
        super().__init__(*args, initial=initial, **kwargs)

    def correction_fields(self) -> dict:
        """What journal_correct takes: a time sent back unchanged (to the minute) keeps the original's."""
        fields = {"text": self.cleaned_data["text"]}
        for name in ("kind", "priority", "channel"):
            if self.cleaned_data[name]:
                fields[name] = self.cleaned_data[name]
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at is not None and occurred_at != self.original.occurred_at.replace(second=0, microsecond=0):
            fields["occurred_at"] = occurred_at
        return fields


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

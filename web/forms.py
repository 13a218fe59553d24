"""Form plumbing any app uses: service errors onto a form, bounded date and time fields, segmented
radios, labels without colon, and the throttled login forms."""

import re
from datetime import datetime, time, timedelta

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from web import ratelimit
from web.text import without_control_characters

DATETIME_LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"]


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
    """Labels without Django's trailing colon (the layout puts them above the field).

    Every form of the console has it, so it also cleans posted text of control characters
    (web.text), passwords excepted.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = _without_control_characters(self.data, keep=self._passwords())

    def _passwords(self) -> set[str]:
        return {self.add_prefix(name) for name, f in self.fields.items() if isinstance(f.widget, forms.PasswordInput)}


def _without_control_characters(data, *, keep: set[str]):
    if hasattr(data, "setlist"):  # a QueryDict: every value of every key
        data = data.copy()
        for key, values in data.lists():
            if key not in keep:
                data.setlist(key, [without_control_characters(v) if isinstance(v, str) else v for v in values])
        return data
    return {
        k: v if k in keep else (without_control_characters(v) if isinstance(v, str) else v) for k, v in data.items()
    }


def local_datetime_field(label, **kwargs) -> forms.DateTimeField:
    return BoundedDateTimeField(label=label, widget=DATETIME_LOCAL, input_formats=DATETIME_INPUT_FORMATS, **kwargs)


class LoginThrottle:
    """Slows down, then refuses, an address that keeps failing for an account (see web.ratelimit)."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = ratelimit.client_key(self.request, username)
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

    template_name = "web/widgets/segmented.html"
    option_template_name = "web/widgets/segmented_option.html"
    # Named by aria-labelledby (the template's label, "<id>_label"), not a <fieldset>: Django then
    # ties each option to the field's errors and help (aria-describedby), as for any other widget.
    use_fieldset = False

    def __init__(self, *args, keys: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.keys = keys or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if key := self.keys.get(str(value)):
            option["attrs"]["accesskey"] = key
            option["key"] = key.upper()
        return option


TIME_PATTERNS = (
    re.compile(r"^(?P<h>\d{1,2})\s*[:hH.]\s*(?P<m>\d{2})?$"),  # 07:40, 7h40, 7h, 7.40
    re.compile(r"^(?P<h>\d{1,2})(?P<m>\d{2})$"),  # 0740, 740
    re.compile(r"^(?P<h>\d{1,2})$"),  # 7
)
YEARS = (2000, 2100)
# A time still to come today, typed without another date, is the previous day's within this window.
PREVIOUS_DAY_WITHIN = timedelta(hours=12)


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
            cleaned["occurred_at"] = self.past_moment(day, moment, today)
        return cleaned

    @staticmethod
    def past_moment(day, moment: time, today) -> datetime:
        """The moment typed; a time still to come today, typed with today's date, is the previous day's.

        At 00:10 the secretary types 2350 for an event of 23:50: yesterday, not a refusal
        "in the future". Only within PREVIOUS_DAY_WITHIN, so that 2350 typed at 09:00 is
        still refused (a typo, not last night).
        """
        at = timezone.make_aware(datetime.combine(day or today, moment))
        if day in (None, today) and at > timezone.now():
            yesterday = at - timedelta(days=1)
            if timezone.now() - yesterday <= PREVIOUS_DAY_WITHIN:
                return timezone.make_aware(datetime.combine(today - timedelta(days=1), moment))
        return at

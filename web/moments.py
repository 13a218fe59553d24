"""Dates and times as a person reads them, in the active language, named by purpose.

Django's ``|date`` takes a literal format or one of its own names (DATE_FORMAT, ...), so a
template that writes ``|date:"d/m H:i"`` shows 06/12 to an English reader, who reads June 12.
The console shows a handful of moments; each has a name here and one format per language:
French keeps the cell's dense numeric forms (the paper documents rely on them), English
spells the month ("6 Dec 17:37"), which no reader can take for another day.

Templates use ``{% load moments %}`` then ``{{ value|moment:"day_time" }}``; Python (services,
history text, documents) calls ``moment(value, "day_time")``. Times are shown in the current
time zone (Europe/Paris), as Django's ``|date`` does.
"""

from datetime import date, datetime

from django.conf import settings
from django.utils import dateformat, timezone
from django.utils.translation import get_language

# Django's date format characters (https://docs.djangoproject.com/en/stable/ref/templates/builtins/#date);
# day and month names (D, l, M, F) come out in the active language.
FORMATS: dict[str, dict[str, str]] = {
    "fr": {
        "time": "H:i",  # 17:37
        "time_seconds": "H:i:s",  # 17:37:05
        "day": "d/m",  # 06/12
        "day_time": "d/m H:i",  # 06/12 17:37
        "weekday_day_time": "D d/m H:i",  # dim 06/12 17:37
        "long_day_time": "l d/m H:i",  # dimanche 06/12 17:37
        "date": "d/m/Y",  # 06/12/2026
        "date_time": "d/m/Y H:i",  # 06/12/2026 17:37
        "date_time_seconds": "d/m/Y H:i:s",  # 06/12/2026 17:37:05
        "long_date_time": "l d/m/Y H:i",  # dimanche 06/12/2026 17:37
        "date_at_time": "d/m/Y à H:i",  # 06/12/2026 à 17:37
        "written_date_at_time": r"l j F Y \à H:i",  # dimanche 6 décembre 2026 à 17:37
    },
    "en": {
        "time": "H:i",  # 17:37
        "time_seconds": "H:i:s",  # 17:37:05
        "day": "j M",  # 6 Dec
        "day_time": "j M H:i",  # 6 Dec 17:37
        "weekday_day_time": "D j M H:i",  # Sun 6 Dec 17:37
        "long_day_time": "l j M H:i",  # Sunday 6 Dec 17:37
        "date": "j M Y",  # 6 Dec 2026
        "date_time": "j M Y H:i",  # 6 Dec 2026 17:37
        "date_time_seconds": "j M Y H:i:s",  # 6 Dec 2026 17:37:05
        "long_date_time": "l j M Y H:i",  # Sunday 6 Dec 2026 17:37
        "date_at_time": r"j M Y \a\t H:i",  # 6 Dec 2026 at 17:37
        "written_date_at_time": r"l j F Y \a\t H:i",  # Sunday 6 December 2026 at 17:37
    },
}
PURPOSES = frozenset(FORMATS["fr"])


def format_for(purpose: str, language: str | None = None) -> str:
    """The format of this purpose in this language (default: the active one; French when it has no table)."""
    if purpose not in PURPOSES:
        raise ValueError(f"Unknown moment {purpose!r}: one of {', '.join(sorted(PURPOSES))}.")
    code = (language or get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    return FORMATS.get(code, FORMATS[settings.LANGUAGE_CODE])[purpose]


def moment(value: datetime | date | None, purpose: str) -> str:
    """A date or time as the active language shows it for this purpose; '' for no value (so `|default` applies).

    An aware datetime is shown in the current time zone (Europe/Paris); a date has no time, so
    a purpose with a time is refused for it rather than shown half-empty.
    """
    fmt = format_for(purpose)
    if value is None or value == "":
        return ""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return dateformat.format(value, fmt)
    if isinstance(value, date):
        return dateformat.format(value, fmt)
    raise TypeError(f"moment() needs a date or a datetime, not {type(value).__name__}.")

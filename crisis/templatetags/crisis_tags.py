from datetime import timedelta

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(value: timedelta | None) -> str:
    """A crisis-clock duration: '2 j 05 h 12 min', '3 h 04 min', '12 min'."""
    if value is None:
        return ""
    minutes = max(int(value.total_seconds() // 60), 0)
    days, minutes = divmod(minutes, 24 * 60)
    hours, minutes = divmod(minutes, 60)
    if days:
        return _("%(d)s j %(h)02d h %(m)02d min") % {"d": days, "h": hours, "m": minutes}
    if hours:
        return _("%(h)s h %(m)02d min") % {"h": hours, "m": minutes}
    return _("%(m)s min") % {"m": minutes}


@register.filter
def hours(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")

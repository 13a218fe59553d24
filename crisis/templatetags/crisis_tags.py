from datetime import timedelta
from functools import lru_cache

from django import template
from django.forms import BoundField
from django.utils import formats, translation
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
def label(instance, field_name: str) -> str:
    """{{ entry|label:"kind" }}: what entry.get_kind_display says, from the field's labels translated once per
    language (Django's get_FOO_display hashes every lazy label of the field at each call)."""
    field = instance._meta.get_field(field_name)
    value = getattr(instance, field.attname)
    return _labels(field, translation.get_language()).get(value, value)


@lru_cache(maxsize=256)
def _labels(field, language: str | None) -> dict:
    return {value: str(text) for value, text in field.flatchoices}


@register.filter
def hours(value: float) -> str:
    """One decimal, in the active language's notation: 5,2 in French, 5.2 in English."""
    return formats.number_format(value, 1)


# --- inputs written in the template ------------------------------------------
# The journal's forms write their inputs in the template (Django's widget rendering was
# a third of the page's cost). These filters hand it what the widgets would have used,
# computed by the same widget code, so the values and selections stay Django's.


@register.filter
def input_value(field: BoundField) -> str | None:
    """The value an input shows, formatted by the field's own widget (a date in the widget's format); None: no value."""
    return field.field.widget.format_value(field.value())


@register.filter
def options(field: BoundField) -> list[tuple[str, str, bool, str]]:
    """(value, label, selected, access key) per choice; like Django's choice widgets, only the first match is selected."""
    chosen = field.field.widget.format_value(field.value())
    keys = getattr(field.field.widget, "keys", {})
    rows, has_selected = [], False
    for value, label in field.field.choices:
        selected = not has_selected and str(value) in chosen
        has_selected = has_selected or selected
        rows.append((str(value), label, selected, keys.get(str(value), "")))
    return rows


@register.simple_tag(takes_context=True)
def crisis_read_only(context, crisis) -> bool:
    """Whether this member only reads the crisis (the observer): the page says "lecture seule" once, in the
    top bar, and shows no link to an action they cannot take. The page's membership when the view put the
    user's in the context, else one query; kept on the request."""
    from ..models import Membership
    from ..permissions import Cap, capabilities_of

    request = context.get("request")
    if request is None or crisis is None or not request.user.is_authenticated:
        return False
    cache = request.__dict__.setdefault("_crisis_read_only", {})
    if crisis.pk not in cache:
        page = context.get("membership")  # the view's, when it has read it (every crisis page does)
        if (
            isinstance(page, Membership)
            and page.user_id == request.user.pk
            and page.establishment_id == crisis.establishment_id
            and page.is_active
        ):
            role = page.role
        else:
            role = (
                Membership.objects.filter(user=request.user, establishment_id=crisis.establishment_id, is_active=True)
                .values_list("role", flat=True)
                .first()
            )
        cache[crisis.pk] = role is not None and capabilities_of(role) <= {Cap.READ}
    return cache[crisis.pk]


@register.filter
def can(membership, capability: str) -> bool:
    """{% if membership|can:"decide" %}: whether the member holds the capability (no membership: no)."""
    return membership is not None and membership.has(capability)

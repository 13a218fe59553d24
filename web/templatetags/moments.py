"""`{{ value|moment:"day_time" }}`: a date or time in the active language's format for that purpose (web.moments)."""

from django import template

from web import moments

register = template.Library()


@register.filter(expects_localtime=True, is_safe=False)
def moment(value, purpose: str) -> str:
    return moments.moment(value, purpose)

"""{% kit_freshness establishment %}: when the kit was last printed and what to reprint, for any page."""

from django import template

from crisis.permissions import Cap

from ..selectors import kit_freshness as kit_freshness_of

register = template.Library()


@register.inclusion_tag("continuity/_kit_freshness.html", takes_context=True)
def kit_freshness(context, establishment):
    """Usage: {% load continuity %}{% kit_freshness crisis.establishment %} (needs `request` in the context)."""
    request = context.get("request")
    user = getattr(request, "user", None)
    authenticated = user is not None and user.is_authenticated
    membership = establishment.memberships.filter(user=user, is_active=True).first() if authenticated else None
    return {
        "establishment": establishment,
        "freshness": kit_freshness_of(establishment),
        "can_print": bool(membership and membership.has(Cap.PRINT)),
        "csrf_token": context.get("csrf_token"),
        "link": True,
    }

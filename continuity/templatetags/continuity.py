"""{% kit_freshness establishment [membership] %}: when the kit was last printed and what to reprint, for any page."""

from django import template

from crisis.models import Membership
from crisis.permissions import Cap

from ..selectors import kit_freshness as kit_freshness_of

register = template.Library()


def _membership(context, establishment, membership: Membership | None) -> Membership | None:
    """The user's active membership of the establishment: given, found in the context, or looked up.

    A page's view has usually fetched it already (the crisis dashboard has ``membership`` in its
    context): it is used when it is the request user's, for this establishment. Otherwise one
    query, by filter rather than crisis.permissions.membership_for, which raises Http404: a tag
    has no business turning a page into a 404, it only decides whether to show a button.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    candidate = membership if membership is not None else context.get("membership")
    if (
        isinstance(candidate, Membership)
        and candidate.user_id == user.pk
        and candidate.establishment_id == establishment.pk
        and candidate.is_active
    ):
        return candidate
    return Membership.objects.filter(user=user, establishment=establishment, is_active=True).first()


@register.inclusion_tag("continuity/_kit_freshness.html", takes_context=True)
def kit_freshness(context, establishment, membership=None):
    """Usage: {% load continuity %}{% kit_freshness crisis.establishment %} (needs `request` in the context).

    Pass the page's membership (or have it as ``membership`` in the context) to spare a query.
    """
    membership = _membership(context, establishment, membership)
    return {
        "establishment": establishment,
        "freshness": kit_freshness_of(establishment),
        "can_print": bool(membership and membership.has(Cap.PRINT)),
        "csrf_token": context.get("csrf_token"),
        "link": True,
    }


@register.inclusion_tag("continuity/_kit_freshness_line.html", takes_context=True)
def kit_freshness_line(context, establishment, membership=None):
    """The same facts as kit_freshness on one line, for the crisis dashboard (same data source)."""
    return kit_freshness(context, establishment, membership)

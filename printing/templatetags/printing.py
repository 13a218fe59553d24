"""Print tags for any page.

- {% print_button "journal" crisis %}: a button that requests a registered document
  (parameters as keyword arguments, ``label=`` and ``secondary=True`` for its look);
  a document with parameters still to choose links to its form instead; nothing
  for a user who may not print it.
- {% kit_freshness establishment %}: when the kit was last generated and what to reprint.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from crisis.models import Crisis, Establishment, Membership
from crisis.permissions import CAPABILITY_LABELS, Cap, capabilities_of

from .. import registry
from ..permissions import may_print
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


@register.simple_tag(takes_context=True)
def print_button(context, document: str, target, label: str = "", secondary=False, params=None, **kwargs) -> str:
    """Usage: {% load printing %}{% print_button "journal" crisis %} (needs `request` in the context).

    Parameters as keywords (service="Urgences"), or as one dict (params=item.params), or both.
    """
    params = {**(params or {}), **kwargs}
    doc = registry.get(document)
    if isinstance(target, Crisis):
        establishment = target.establishment
        url = reverse("printing:crisis-document-print", args=[target.pk, doc.name])
    elif isinstance(target, Establishment):
        establishment = target
        url = reverse("printing:establishment-document-print", args=[target.pk, doc.name])
    else:
        raise template.TemplateSyntaxError(f"print_button needs a crisis or an establishment, not {target!r}")
    if not may_print(_membership(context, establishment, None), doc):
        return ""
    form = doc.form(establishment)
    missing = [name for name, field in form.fields.items() if field.required and name not in params]
    hidden = [
        (name, value)
        for name, values in params.items()
        for value in (values if isinstance(values, list | tuple) else [values])
    ]
    return render_to_string(
        "printing/_print_button.html",
        {
            "url": url,
            "label": label or _("Imprimer : %(document)s") % {"document": doc.title},
            "secondary": secondary,
            "hidden": hidden,
            "needs_form": bool(missing),
            "csrf_token": context.get("csrf_token"),
        },
    )


@register.filter
def capability_label(capability: str) -> str:
    return str(CAPABILITY_LABELS.get(capability, capability))


@register.inclusion_tag("printing/_kit_freshness.html", takes_context=True)
def kit_freshness(context, establishment, membership=None):
    """Usage: {% load printing %}{% kit_freshness crisis.establishment %} (needs `request` in the context).

    Pass the page's membership (or have it as ``membership`` in the context) to spare a query.
    """
    membership = _membership(context, establishment, membership)
    granted = sorted(capabilities_of(membership.role)) if membership else [Cap.READ]
    return {
        "request": context.get("request"),
        "membership": membership,
        "establishment": establishment,
        "freshness": kit_freshness_of(establishment, granted),
        "can_print": bool(membership and membership.has(Cap.PRINT)),
        "csrf_token": context.get("csrf_token"),
        "link": True,
    }


@register.inclusion_tag("printing/_kit_freshness_line.html", takes_context=True)
def kit_freshness_line(context, establishment, membership=None):
    """The same facts as kit_freshness on one line, for the dashboard of an open crisis."""
    return kit_freshness(context, establishment, membership)

"""The header's navigation, from what the apps declare (crisis.plugins).

{% scope_nav %}: the crisis tabs on a crisis's pages, the establishment's navigation on an
establishment's pages (a view may say which with ``nav_scope``), only the entries whose
capability the member holds.
"""

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import mark_safe

from ..models import Membership
from ..plugins import Scope, banners_for, nav_entries

register = template.Library()


def _membership(context, establishment_id: int) -> Membership | None:
    """The page's membership when the view put the user's in the context, else one query."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    candidate = context.get("membership")
    if (
        isinstance(candidate, Membership)
        and candidate.user_id == user.pk
        and candidate.establishment_id == establishment_id
        and candidate.is_active
    ):
        return candidate
    return Membership.objects.filter(user=user, establishment_id=establishment_id, is_active=True).first()


@register.inclusion_tag("crisis/_nav.html", takes_context=True)
def scope_nav(context):
    crisis, establishment = context.get("crisis"), context.get("establishment")
    scope = context.get("nav_scope") or (Scope.CRISIS if crisis else Scope.ESTABLISHMENT if establishment else None)
    target = crisis if scope == Scope.CRISIS else establishment if scope == Scope.ESTABLISHMENT else None
    if target is None:
        return {"entries": []}
    establishment_id = target.establishment_id if scope == Scope.CRISIS else target.pk
    request = context.get("request")
    path = request.path if request else ""
    entries = [
        {"label": entry.label, "url": url, "current": url == path}
        for entry in nav_entries(scope, _membership(context, establishment_id))
        for url in [_url(entry, target)]
    ]
    return {"entries": entries, "scope": scope}


# (url name, id, URLconf, script prefix) -> URL: every page's header reverses its whole navigation (a
# dozen entries), and an entry's URL depends on nothing else (NavEntry.url reverses its name with the id).
_urls: dict[tuple, str] = {}


def _url(entry, target) -> str:
    key = (entry.url_name, target.pk, get_urlconf() or settings.ROOT_URLCONF, get_script_prefix())
    url = _urls.get(key)
    if url is None:
        if len(_urls) > 4096:
            _urls.clear()
        url = _urls[key] = entry.url(target)
    return url


@register.simple_tag(takes_context=True)
def page_banners(context):
    """The apps' banners at the top of the page (crisis.plugins.banner): nothing for most members."""
    request = context.get("request")
    if request is None:
        return ""
    return mark_safe(
        "".join(
            render_to_string(b.template, {"banner": shown, "request": request}, request=request)
            for b, shown in banners_for(request)
        )
    )

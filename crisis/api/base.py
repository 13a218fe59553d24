"""What every scoped API view shares: its crisis or establishment resolved first (outsider 404, missing
capability 403), the members and the objects of that scope. Input validation, which knows no domain, is web.api_input."""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, generics
from rest_framework.settings import api_settings

from ..models import Crisis, Establishment, Membership
from ..permissions import Cap, get_crisis_for_user, get_establishment_for_user, object_of

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


class ScopedView(generics.GenericAPIView):
    """Resolves the view's scope once, before the handler, with the capability the HTTP method needs
    (``capabilities``; anything else needs READ, so an outsider gets 404 even on a method the resource
    refuses). Subclasses say how (``resolve``); handlers use self.scope (and self.crisis or
    self.establishment), self.membership, and these helpers for the objects they name."""

    capabilities: dict[str, str] = {}
    scope: Crisis | Establishment
    membership: Membership

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.resolve(request, self.capabilities.get(request.method, Cap.READ), **kwargs)

    def resolve(self, request, capability: str, **kwargs) -> None:
        raise NotImplementedError

    def object_of(self, objects, key, *, field: str = "pk"):
        """The object of this scope named in the URL, else 404 (see crisis.permissions.object_of)."""
        return object_of(self.scope, objects, key, field=field)

    def referenced(self, objects, key, name: str):
        """The object of this scope a request body names in field `name`, else a 400 on that field."""
        try:
            return object_of(self.scope, objects, key)
        except Http404:
            if isinstance(self.scope, Crisis):
                message = _("Aucun objet de cette crise ne porte cet identifiant.")
            else:
                message = _("Aucun objet de cet établissement ne porte cet identifiant.")
            raise exceptions.ValidationError({name: [message]}) from None


class CrisisScopedView(ScopedView):
    """Base of every resource under /api/crises/{crisis_id}/: self.crisis."""

    crisis: Crisis

    def resolve(self, request, capability: str, **kwargs) -> None:
        self.crisis, self.membership = get_crisis_for_user(request.user, kwargs["crisis_id"], capability)
        self.scope = self.crisis


class EstablishmentScopedView(ScopedView):
    """Base of every resource under /api/establishments/{establishment_id}/: self.establishment."""

    establishment: Establishment

    def resolve(self, request, capability: str, **kwargs) -> None:
        self.establishment, self.membership = get_establishment_for_user(
            request.user, kwargs["establishment_id"], capability
        )
        self.scope = self.establishment


def _members(crisis: Crisis, user_ids, field: str) -> list:
    """The users with these ids if each is an active member of the crisis's establishment, else a 400."""
    ids = set(user_ids)
    users = list(
        get_user_model().objects.filter(
            pk__in=Membership.objects.filter(
                establishment_id=crisis.establishment_id, is_active=True, user_id__in=ids
            ).values("user_id")
        )
    )
    if len(users) != len(ids):
        raise exceptions.ValidationError({field: [_("Cette personne n'est pas membre de l'établissement.")]})
    return users


def _member(crisis: Crisis, user_id, field: str):
    return None if user_id is None else _members(crisis, [user_id], field)[0]

"""What every crisis API view shares: the crisis resolved first (outsider 404), input validation, members and objects of the crisis."""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from rest_framework import exceptions, generics
from rest_framework.request import Request
from rest_framework.settings import api_settings

from ..models import Crisis, Membership
from ..permissions import Cap, get_crisis_for_user

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class CrisisScopedView(generics.GenericAPIView):
    """Base of every resource under /api/crises/{crisis_id}/.

    Resolves the crisis once, before the handler, with the capability the HTTP
    method needs (``capabilities``; anything else needs READ, so an outsider
    gets 404 even on a method the resource refuses). Handlers use self.crisis.
    """

    capabilities: dict[str, str] = {}
    crisis: Crisis
    membership: Membership

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        capability = self.capabilities.get(request.method, Cap.READ)
        self.crisis, self.membership = get_crisis_for_user(request.user, kwargs["crisis_id"], capability)


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


def _of_crisis(model, crisis: Crisis, pk, field: str):
    if pk is None:
        return None
    obj = model.objects.filter(crisis=crisis, pk=pk).first()
    if obj is None:
        raise exceptions.ValidationError({field: [_("Aucun objet de cette crise ne porte cet identifiant.")]})
    return obj


def _query(serializer_class, request: Request):
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query

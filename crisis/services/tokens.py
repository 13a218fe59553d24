"""API tokens: one per user, with an expiry, revoked when the user's access changes.

A token is revoked (deleted) when its user changes password, is deactivated or
has no active membership left (crisis.signals), when it expires (API_TOKEN_TTL,
checked by crisis.authentication) and when its user asks (the API's DELETE and
the home page's button). A login after that gets a new one.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from ..models import Membership


def token_expires_at(token: Token) -> datetime:
    return token.created + timedelta(seconds=settings.API_TOKEN_TTL)


def token_is_expired(token: Token) -> bool:
    return token_expires_at(token) <= timezone.now()


def token_for_login(*, user) -> Token:
    """The user's token after a successful login: the current one while valid, else a new one.

    A user of no cell gets none: every use of it would answer 401 (ExpiringTokenAuthentication).
    """
    if not Membership.objects.filter(user=user, is_active=True).exists():
        raise ValidationError(
            _("Ce compte n'est membre d'aucune cellule de crise : l'API ne lui est pas ouverte."), code="no_membership"
        )
    token = Token.objects.filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    if token is not None:
        token.delete()
    return Token.objects.create(user=user)


def token_revoke(*, user_id: int) -> bool:
    """Delete the user's token; True when there was one."""
    deleted, _detail = Token.objects.filter(user_id=user_id).delete()
    return deleted > 0


def token_revoke_without_membership(*, user_id: int) -> None:
    """A user with no active membership left sees nothing: their token goes."""
    if not Membership.objects.filter(user_id=user_id, is_active=True).exists():
        token_revoke(user_id=user_id)

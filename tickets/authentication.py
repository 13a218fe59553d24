"""SOC/EDR sources authenticate with their own token ("Authorization: Token soc_..."), kept hashed.

Two classes: ``AlertSourceAuthentication`` on the one endpoint sources push to (POST /api/alerts/);
``SourceTokenRefusal``, first of the API's default classes (settings), answers 403 to a source
token anywhere else, instead of the 401 of an unknown user token: the token is good, for one thing.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from .services.alerts import TOKEN_PREFIX, alert_source_for_token

KEYWORD = "Token"


def _source_token(request) -> str | None:
    parts = get_authorization_header(request).split()
    if len(parts) != 2 or parts[0].decode("latin-1").lower() != KEYWORD.lower():
        return None
    try:
        token = parts[1].decode("ascii")
    except UnicodeDecodeError:
        return None
    return token if token.startswith(TOKEN_PREFIX) else None


class SourcePrincipal:
    """What request.user is for a source: authenticated, member of nothing."""

    is_authenticated = True
    is_active = True
    is_staff = False
    pk = None

    def __init__(self, source) -> None:
        self.source = source

    def __str__(self) -> str:
        return self.source.name


class AlertSourceAuthentication(BaseAuthentication):
    def authenticate(self, request):
        token = _source_token(request)
        if token is None:
            return None
        source = alert_source_for_token(token)
        if source is None:
            raise exceptions.AuthenticationFailed(_("Jeton de source invalide ou désactivé."))
        return SourcePrincipal(source), source

    def authenticate_header(self, request) -> str:
        return KEYWORD


class SourceTokenRefusal(BaseAuthentication):
    def authenticate(self, request):
        if _source_token(request) is not None:
            raise exceptions.PermissionDenied(
                _("Un jeton de source ne sert qu'à pousser des alertes (POST /api/alerts/).")
            )
        return None

    def authenticate_header(self, request) -> str:
        # First of the default classes, it says how to authenticate: an anonymous request stays a 401.
        return KEYWORD

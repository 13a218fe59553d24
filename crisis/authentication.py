"""API token authentication with an expiry and a live membership (settings point here).

Signals delete a token when its user loses access; this check also catches the
changes signals cannot see (bulk updates of memberships) and the expiry, in the
same single query as DRF's own token lookup.
"""

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import Membership
from .services.tokens import token_is_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, key: str):
        model = self.get_model()
        active = Membership.objects.filter(user=OuterRef("user_id"), is_active=True)
        token = model.objects.select_related("user").annotate(has_membership=Exists(active)).filter(key=key).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Jeton invalide."))
        if token_is_expired(token) or not token.has_membership:
            token.delete()
            raise exceptions.AuthenticationFailed(_("Jeton expiré ou révoqué : reconnectez-vous pour en obtenir un."))
        return (token.user, token)

"""API token: obtained with a username and password, revoked by its user."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from web import ratelimit
from web.api_input import validated

from .. import services
from ..serializers import (
    TokenRequestSerializer,
    TokenSerializer,
)
from .base import NON_FIELD_ERRORS


class TokenView(APIView):
    """The caller's API token: obtained with a password (POST), revoked on request (DELETE)."""

    def _is_login(self) -> bool:
        return getattr(self.request, "method", None) == "POST"  # no request yet while the schema is built

    def get_authenticators(self):
        return [] if self._is_login() else super().get_authenticators()

    def get_permissions(self):
        return [AllowAny()] if self._is_login() else super().get_permissions()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=gettext_lazy("Identifiants incorrects.")),
            429: OpenApiResponse(
                description=gettext_lazy("Trop de tentatives échouées depuis cette adresse pour cet identifiant."),
            ),
        },
        auth=[],
        tags=["auth"],
    )
    def post(self, request: Request) -> Response:
        """Exchange a username and password for a token; failures are throttled per account and address.

        The answer says until when the token is valid (API_TOKEN_TTL); logging in again
        while it is valid gives the same token, after a revocation a new one.
        """
        data = validated(TokenRequestSerializer, request.data)
        username, address = data["username"], ratelimit.client_key(request, data["username"])
        # Checked before authenticate(): a throttled guesser must not learn whether a password is right.
        wait = ratelimit.login_wait(username, address)
        if wait:
            raise exceptions.Throttled(wait=wait, detail=ratelimit.wait_message(wait))
        user = authenticate(request, username=username, password=data["password"])
        if user is None:
            ratelimit.login_failed(username, address)
            raise exceptions.ValidationError({NON_FIELD_ERRORS: [_("Identifiant ou mot de passe incorrect.")]})
        ratelimit.login_succeeded(username, address)
        token = services.token_for_login(user=user)
        return Response(TokenSerializer({"token": token.key, "expires_at": services.token_expires_at(token)}).data)

    @extend_schema(request=None, responses={204: None}, tags=["auth"])
    def delete(self, request: Request) -> Response:
        """Revoke the caller's token (a lost laptop, a script retired); the next login gets a new one."""
        services.token_revoke(user_id=request.user.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""REST API of the crisis app, under /api/.

Views validate input with a serializer, resolve the object through the access
helpers of crisis.permissions (outsider 404, missing capability 403) and call a
service or a selector. They never test roles themselves.
"""

from django.contrib.auth import authenticate
from django.http import FileResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from web import ratelimit
from web.pagination import Pagination
from web.security import attachment_csp

from . import selectors, services
from .models import Crisis, Establishment, JournalEntry, Membership
from .permissions import Cap, crises_for, establishments_for, get_crisis_for_user, get_establishment_for_user
from .serializers import (
    CrisisCreateSerializer,
    CrisisSerializer,
    CrisisUpdateSerializer,
    EstablishmentSerializer,
    JournalEntryCreateSerializer,
    JournalEntrySerializer,
    JournalEntryUploadSerializer,
    JournalPageSerializer,
    JournalQuerySerializer,
    MembershipSerializer,
    PhaseChangeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)

NON_FIELD_ERRORS = api_settings.NON_FIELD_ERRORS_KEY

# --- errors -----------------------------------------------------------------


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- authentication ---------------------------------------------------------


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
        data = _valid(TokenRequestSerializer, request.data)
        username, address = data["username"], ratelimit.client_address(request)
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


# --- establishments and memberships -----------------------------------------


class EstablishmentListView(generics.ListAPIView):
    pagination_class = Pagination
    serializer_class = EstablishmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation has no user
            return Establishment.objects.none()
        return establishments_for(self.request.user)


class EstablishmentDetailView(generics.RetrieveAPIView):
    serializer_class = EstablishmentSerializer
    queryset = Establishment.objects.none()  # objects come from the access helper only

    def get_object(self) -> Establishment:
        establishment, _membership = get_establishment_for_user(self.request.user, self.kwargs["pk"], Cap.READ)
        return establishment


class MembershipListView(generics.ListAPIView):
    """Memberships of every establishment the user belongs to: the cell's directory."""

    pagination_class = Pagination
    serializer_class = MembershipSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return (
            Membership.objects.filter(establishment__in=establishments_for(self.request.user).values("pk"))
            .select_related("user", "establishment")
            .order_by("establishment__name", "user__last_name", "user__first_name", "pk")
        )


# --- crises -----------------------------------------------------------------


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


class CrisisListView(generics.GenericAPIView):
    pagination_class = Pagination
    serializer_class = CrisisSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Crisis.objects.none()
        return crises_for(self.request.user)

    @extend_schema(responses=CrisisSerializer(many=True))
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CrisisSerializer(page, many=True).data)

    @extend_schema(request=CrisisCreateSerializer, responses={201: CrisisSerializer})
    def post(self, request: Request) -> Response:
        data = _valid(CrisisCreateSerializer, request.data)
        establishment, _membership = get_establishment_for_user(request.user, data.pop("establishment"), Cap.DECIDE)
        crisis = services.crisis_create(establishment=establishment, by=request.user, **data)
        return Response(CrisisSerializer(crisis).data, status=status.HTTP_201_CREATED)


class CrisisDetailView(CrisisScopedView):
    capabilities = {"PATCH": Cap.DECIDE}
    serializer_class = CrisisSerializer

    @extend_schema(responses=CrisisSerializer)
    def get(self, request: Request, crisis_id: int) -> Response:
        return Response(CrisisSerializer(self.crisis).data)

    @extend_schema(request=CrisisUpdateSerializer, responses=CrisisSerializer)
    def patch(self, request: Request, crisis_id: int) -> Response:
        """Change the crisis record (e.g. the awareness time); kept in its history and journaled."""
        data = _valid(CrisisUpdateSerializer, request.data)
        crisis = services.crisis_update(crisis=self.crisis, by=request.user, **data)
        return Response(CrisisSerializer(crisis).data)


class CrisisPhaseView(CrisisScopedView):
    """Change the crisis's phase: a decision, written in the journal by the service."""

    capabilities = {"POST": Cap.DECIDE}
    serializer_class = PhaseChangeSerializer

    @extend_schema(request=PhaseChangeSerializer, responses=CrisisSerializer)
    def post(self, request: Request, crisis_id: int) -> Response:
        data = _valid(PhaseChangeSerializer, request.data)
        services.crisis_change_phase(crisis=self.crisis, by=request.user, phase=data["phase"], note=data["note"])
        return Response(CrisisSerializer(self.crisis).data)


# --- journal (main courante) ------------------------------------------------


class JournalListView(CrisisScopedView):
    """The main courante, newest first, by keyset pages (``before`` = the last n° seen)."""

    capabilities = {"POST": Cap.WRITE_JOURNAL}
    serializer_class = JournalEntrySerializer
    pagination_class = None  # keyset pagination below: cost does not grow with the journal

    @extend_schema(
        operation_id="crises_journal_list", parameters=[JournalQuerySerializer], responses=JournalPageSerializer
    )
    def get(self, request: Request, crisis_id: int) -> Response:
        query = JournalQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        entries, next_before = selectors.journal_page(
            self.crisis, query.filters(), query.validated_data.get("before"), query.validated_data["limit"]
        )
        next_url = None
        if next_before is not None:
            next_url = request.build_absolute_uri(self._page_url(request, next_before))
        page = {"next": next_url, "results": entries}
        return Response(JournalPageSerializer(page, context={"request": request}).data)

    @extend_schema(
        request={"application/json": JournalEntryCreateSerializer, "multipart/form-data": JournalEntryUploadSerializer},
        responses={201: JournalEntrySerializer},
    )
    def post(self, request: Request, crisis_id: int) -> Response:
        # A file only comes in multipart; in JSON an "attachment" key is an unknown field, ignored.
        is_upload = request.content_type.startswith("multipart/")
        data = dict(_valid(JournalEntryUploadSerializer if is_upload else JournalEntryCreateSerializer, request.data))
        corrects_id = data.pop("corrects", None)
        if corrects_id is None:
            entry = services.journal_append(crisis=self.crisis, by=request.user, **data)
        else:
            entry = services.journal_correct(original=self._entry_to_correct(corrects_id), by=request.user, **data)
        [entry] = selectors.journal_mark_corrected([selectors.journal_entries(self.crisis).get(pk=entry.pk)])
        return Response(
            JournalEntrySerializer(entry, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def _entry_to_correct(self, entry_id: int) -> JournalEntry:
        # Looked up in this crisis only: journal_correct appends to the original's
        # crisis, and an id from elsewhere must not reveal that it exists.
        original = JournalEntry.objects.filter(crisis=self.crisis, pk=entry_id).first()
        if original is None:
            raise exceptions.ValidationError(
                {"corrects": [_("Aucune entrée de cette main courante ne porte cet identifiant.")]}
            )
        original.crisis = self.crisis
        return original

    @staticmethod
    def _page_url(request: Request, before: int) -> str:
        params = request.query_params.copy()
        params["before"] = str(before)
        return f"{request.path}?{params.urlencode()}"


class JournalEntryView(CrisisScopedView):
    """One entry. The main courante is append-only: PUT, PATCH and DELETE answer 405."""

    serializer_class = JournalEntrySerializer

    @extend_schema(responses=JournalEntrySerializer)
    def get(self, request: Request, crisis_id: int, entry_id: int) -> Response:
        entry = selectors.journal_entries(self.crisis).filter(pk=entry_id).first()
        if entry is None:
            raise exceptions.NotFound()
        selectors.journal_mark_corrected([entry])
        return Response(JournalEntrySerializer(entry, context={"request": request}).data)


class JournalAttachmentView(CrisisScopedView):
    """The file attached to an entry (photo of a paper note), for members, with token or session."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @method_decorator(attachment_csp)
    def get(self, request: Request, crisis_id: int, entry_id: int) -> FileResponse:
        entry = JournalEntry.objects.filter(crisis=self.crisis, pk=entry_id).exclude(attachment="").first()
        if entry is None:
            raise exceptions.NotFound()
        response = FileResponse(entry.attachment.open("rb"), filename=entry.attachment.name.rsplit("/", 1)[-1])
        response["Cache-Control"] = "private, no-store"
        return response

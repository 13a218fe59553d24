"""API of the main courante."""

from django.http import FileResponse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from web.api_input import validated
from web.security import attachment_csp

from .. import selectors, services
from ..models import JournalEntry
from ..permissions import Cap
from ..serializers import (
    JournalEntryCreateSerializer,
    JournalEntrySerializer,
    JournalEntryUploadSerializer,
    JournalPageSerializer,
    JournalQuerySerializer,
)
from ..services.journal import ATTACHMENT_EXTENSIONS
from .base import CrisisScopedView


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
        data = dict(
            validated(JournalEntryUploadSerializer if is_upload else JournalEntryCreateSerializer, request.data)
        )
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
        entry = self.object_of(selectors.journal_entries(self.crisis), entry_id)
        selectors.journal_mark_corrected([entry])
        return Response(JournalEntrySerializer(entry, context={"request": request}).data)


class JournalAttachmentView(CrisisScopedView):
    """The file attached to an entry (photo of a paper note), for members, with token or session."""

    @extend_schema(
        responses={
            (200, content_type): OpenApiTypes.BINARY
            for content_type in sorted(set(ATTACHMENT_EXTENSIONS.values()))  # what the upload check lets in
        }
    )
    @method_decorator(attachment_csp)
    def get(self, request: Request, crisis_id: int, entry_id: int) -> FileResponse:
        entry = self.object_of(JournalEntry.objects.exclude(attachment=""), entry_id)
        response = FileResponse(entry.attachment.open("rb"), filename=entry.attachment.name.rsplit("/", 1)[-1])
        response["Cache-Control"] = "private, no-store"
        return response

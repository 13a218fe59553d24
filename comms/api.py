"""The comms API (the issue's table is the contract: paths, field names and values)."""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, parsers, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from crisis.api import CrisisScopedView, EstablishmentScopedView
from crisis.models import Membership, Service
from web import api_fields
from web.api_fields import ModelSerializer
from web.api_input import validated
from web.pagination import Pagination
from web.text import without_control_characters

from . import access, selectors, services
from .models import (
    Acknowledgement,
    Call,
    CallList,
    ContactLogEntry,
    DirectoryEntry,
    FlashInfo,
    Message,
    MessageTemplate,
)

MAX_CSV_BYTES = 5 * 1024 * 1024


def _service_errors(exc: ValidationError):
    """A service's ValidationError as the API's 400 (field errors)."""
    detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
    return exceptions.ValidationError(detail)


# --- the directory --------------------------------------------------------------


class DirectoryEntrySerializer(ModelSerializer):
    service = api_fields.CharField(source="service.name", default="")
    service_id = serializers.IntegerField(source="service.pk", default=None)
    stale = serializers.SerializerMethodField()

    class Meta:
        model = DirectoryEntry
        fields = [
            "id",
            "last_name",
            "first_name",
            "function",
            "service",
            "service_id",
            "extension",
            "dect",
            "direct_line",
            "mobile",
            "email",
            "crisis_role",
            "deputy",
            "on_call",
            "on_call_rota",
            "checked_at",
            "stale",
            "is_external",
            "category",
            "organisation",
            "call_for",
        ]
        read_only_fields = fields

    def get_stale(self, entry) -> bool:
        return selectors.is_stale(entry)


class DirectoryEntryInput(serializers.Serializer):
    last_name = api_fields.CharField(max_length=100)
    first_name = api_fields.CharField(max_length=100, required=False, allow_blank=True, default="")
    function = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    service = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    extension = api_fields.CharField(max_length=12, required=False, allow_blank=True, default="")
    dect = api_fields.CharField(max_length=12, required=False, allow_blank=True, default="")
    direct_line = api_fields.CharField(max_length=30, required=False, allow_blank=True, default="")
    mobile = api_fields.CharField(max_length=30, required=False, allow_blank=True, default="")
    email = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    crisis_role = api_fields.CharField(max_length=80, required=False, allow_blank=True, default="")
    deputy = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    on_call = serializers.BooleanField(required=False, default=False)
    on_call_rota = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    is_external = serializers.BooleanField(required=False, default=False)
    category = serializers.ChoiceField(
        choices=DirectoryEntry.Category.choices, required=False, allow_blank=True, default=""
    )
    organisation = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    call_for = api_fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    checked_at = serializers.DateField(required=False, allow_null=True, default=None)


class DirectoryQuery(serializers.Serializer):
    q = api_fields.CharField(max_length=100, required=False, allow_blank=True, default="")


class DirectoryView(EstablishmentScopedView):
    """The crisis directory; ?q= tolerates accents and typos. POST adds a person or a contact."""

    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = DirectoryEntrySerializer
    pagination_class = Pagination

    @extend_schema(parameters=[DirectoryQuery], responses=DirectoryEntrySerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        query = validated(DirectoryQuery, request.query_params)["q"]
        entries = (
            selectors.directory_search(self.establishment, query, limit=200)
            if query.strip()
            else selectors.directory_of(self.establishment)
        )
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(DirectoryEntrySerializer(page, many=True).data)

    @extend_schema(request=DirectoryEntryInput, responses={201: DirectoryEntrySerializer})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = validated(DirectoryEntryInput, request.data)
        data["service"] = self.referenced(Service, data["service"], "service")
        data["deputy"] = self.referenced(DirectoryEntry, data["deputy"], "deputy")
        try:
            entry = services.entry_create(establishment=self.establishment, by=request.user, **data)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return Response(DirectoryEntrySerializer(entry).data, status=status.HTTP_201_CREATED)


class CSVParser(parsers.BaseParser):
    media_type = "text/csv"

    def parse(self, stream, media_type=None, parser_context=None):
        return stream.read(MAX_CSV_BYTES + 1)


class ImportQuery(serializers.Serializer):
    dry_run = serializers.BooleanField(required=False, default=False)


class ImportReportSerializer(serializers.Serializer):
    errors = serializers.ListField(child=serializers.DictField())
    would_create = serializers.IntegerField()
    would_update = serializers.IntegerField()
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    dry_run = serializers.BooleanField()


class DirectoryImportView(EstablishmentScopedView):
    """A CSV directory (text/csv body, or a multipart "file"): ?dry_run=1 only reports, line by line; without
    it the file is applied, all or nothing (400 with the same report when any line is wrong)."""

    capabilities = {"POST": access.IMPORT}
    parser_classes = [CSVParser, parsers.MultiPartParser]

    @extend_schema(
        parameters=[ImportQuery],
        request={"text/csv": str},
        responses={200: ImportReportSerializer, 400: ImportReportSerializer},
    )
    def post(self, request: Request, establishment_id: int) -> Response:
        dry_run = validated(ImportQuery, request.query_params)["dry_run"]
        raw = request.data if isinstance(request.data, bytes) else None
        if raw is None and "file" in request.FILES:
            raw = request.FILES["file"].read(MAX_CSV_BYTES + 1)
        if not raw:
            raise exceptions.ValidationError({"file": [_("Envoyez un fichier CSV (text/csv ou champ « file »).")]})
        if len(raw) > MAX_CSV_BYTES:
            raise exceptions.ValidationError({"file": [_("Fichier trop grand (5 Mo au plus).")]})
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")  # a spreadsheet's "CSV (Windows)"
        report = services.directory_import(
            establishment=self.establishment, by=request.user, text=without_control_characters(text), dry_run=dry_run
        )
        body = ImportReportSerializer(report).data
        return Response(body, status=status.HTTP_400_BAD_REQUEST if report.errors and not dry_run else 200)


# --- call lists -------------------------------------------------------------------


class CallSerializer(ModelSerializer):
    person_name = serializers.CharField(source="person.__str__")
    mobile = serializers.CharField(source="person.mobile")
    by = serializers.SerializerMethodField()

    class Meta:
        model = Call
        fields = [
            "id",
            "person",
            "person_name",
            "mobile",
            "position",
            "outcome",
            "at",
            "by",
            "channel",
            "arrival",
            "note",
        ]
        read_only_fields = fields

    def get_by(self, call) -> str:
        if call.by_id:
            return call.by.get_full_name() or call.by.get_username()
        return call.channel if call.at else ""


class CallListSerializer(ModelSerializer):
    calls = CallSerializer(many=True, source="ordered_calls")

    class Meta:
        model = CallList
        fields = ["id", "title", "message", "status", "created_at", "calls"]
        read_only_fields = fields


def _with_calls(call_list: CallList) -> CallList:
    call_list.ordered_calls = list(selectors.calls_of(call_list))
    return call_list


class CallListInput(serializers.Serializer):
    title = api_fields.CharField(max_length=160)
    message = api_fields.CharField(max_length=600, required=False, allow_blank=True, default="")
    people = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=5000)


class CallListsView(CrisisScopedView):
    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = CallListSerializer

    @extend_schema(responses=CallListSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        lists = [_with_calls(c) for c in selectors.call_lists_of(self.crisis)]
        return Response(CallListSerializer(lists, many=True).data)

    @extend_schema(request=CallListInput, responses={201: CallListSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(CallListInput, request.data)
        found = DirectoryEntry.objects.filter(establishment_id=self.crisis.establishment_id).in_bulk(data["people"])
        if len(found) != len(set(data["people"])):
            raise exceptions.ValidationError({"people": [_("Personne inconnue dans l'annuaire de l'établissement.")]})
        try:
            call_list = services.call_list_create(
                crisis=self.crisis,
                by=request.user,
                title=data["title"],
                message=data["message"],
                people=[found[pk] for pk in data["people"]],
            )
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return Response(CallListSerializer(_with_calls(call_list)).data, status=status.HTTP_201_CREATED)


class CallInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Call.Outcome.choices)
    arrival = api_fields.CharField(max_length=60, required=False, allow_blank=True, default="")
    note = api_fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    at = api_fields.DateTimeField(required=False, allow_null=True, default=None)


class CallView(CrisisScopedView):
    """One call of a list: POST records what came of it."""

    capabilities = {"POST": access.WRITE}

    @extend_schema(request=CallInput, responses=CallSerializer)
    def post(self, request: Request, crisis_id: int, list_id: int, call_id: int) -> Response:
        call_list = self.object_of(CallList, list_id)
        call = self.object_of_call(call_list, call_id)
        data = validated(CallInput, request.data)
        try:
            services.call_record(call=call, by=request.user, **data)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        call.refresh_from_db()
        return Response(CallSerializer(call).data)

    def object_of_call(self, call_list: CallList, call_id: int) -> Call:
        call = call_list.calls.select_related("person", "by").filter(pk=call_id).first()
        if call is None:
            raise Http404
        call.call_list = call_list
        return call


class SmsResultSerializer(serializers.Serializer):
    sent = serializers.ListField(child=serializers.DictField())
    failed = serializers.ListField(child=serializers.DictField())
    queued = serializers.IntegerField()
    gateway = serializers.DictField()


class CallListSmsView(CrisisScopedView):
    """Send the list's message by SMS to everyone not yet reached; replies become outcomes."""

    capabilities = {"POST": access.WRITE}

    @extend_schema(request=None, responses=SmsResultSerializer)
    def post(self, request: Request, crisis_id: int, list_id: int) -> Response:
        call_list = self.object_of(CallList, list_id)
        try:
            result = services.call_list_send_sms(call_list=call_list, by=request.user)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return Response(SmsResultSerializer(result).data)


# --- Flash info -------------------------------------------------------------------


class FlashSerializer(ModelSerializer):
    zoom_service_name = serializers.CharField(source="zoom_service.name", default="")

    class Meta:
        model = FlashInfo
        fields = [
            "id",
            "number",
            "status",
            "headline",
            "incidents",
            "restored",
            "still_down",
            "zoom",
            "zoom_service",
            "zoom_service_name",
            "next_due_at",
            "validated_at",
            "published_at",
        ]
        read_only_fields = fields


class IncidentInput(serializers.Serializer):
    title = api_fields.CharField(max_length=300)
    answer = api_fields.CharField(max_length=1000, required=False, allow_blank=True, default="")
    count = serializers.IntegerField(min_value=0, required=False, default=0)


class FlashInput(serializers.Serializer):
    headline = api_fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    incidents = IncidentInput(many=True, required=False, default=list)
    restored = api_fields.CharField(max_length=4000, required=False, allow_blank=True, default="")
    still_down = api_fields.CharField(max_length=4000, required=False, allow_blank=True, default="")
    zoom = api_fields.CharField(max_length=4000, required=False, allow_blank=True, default="")
    zoom_service = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    next_due_at = api_fields.DateTimeField(required=False, allow_null=True, default=None)


class FlashListView(CrisisScopedView):
    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = FlashSerializer

    @extend_schema(responses=FlashSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        return Response(FlashSerializer(selectors.flash_of(self.crisis), many=True).data)

    @extend_schema(request=FlashInput, responses={201: FlashSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(FlashInput, request.data)
        data["zoom_service"] = self.referenced(Service, data["zoom_service"], "zoom_service")
        data["incidents"] = [dict(i) for i in data["incidents"]]
        try:
            flash = services.flash_create(crisis=self.crisis, by=request.user, **data)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return Response(FlashSerializer(flash).data, status=status.HTTP_201_CREATED)


class FlashDraftSerializer(serializers.Serializer):
    number = serializers.IntegerField()
    status = serializers.ChoiceField(choices=FlashInfo.Status.choices)
    headline = serializers.CharField(allow_blank=True)
    incidents = IncidentInput(many=True)
    restored = serializers.CharField(allow_blank=True)
    still_down = serializers.CharField(allow_blank=True)
    zoom = serializers.CharField(allow_blank=True)
    zoom_service = serializers.IntegerField(allow_null=True)
    next_due_at = api_fields.DateTimeField()
    published_at = api_fields.DateTimeField(allow_null=True)


class FlashDraftView(CrisisScopedView):
    """A pre-filled draft of the next issue, not saved until POSTed to the list."""

    capabilities = {"POST": access.WRITE}

    @extend_schema(request=None, responses=FlashDraftSerializer)
    def post(self, request: Request, crisis_id: int) -> Response:
        return Response(FlashDraftSerializer(services.flash_draft(crisis=self.crisis)).data)


class PublishInput(serializers.Serializer):
    next_due_at = api_fields.DateTimeField(required=False, allow_null=True, default=None)


class FlashPublishView(CrisisScopedView):
    capabilities = {"POST": access.PUBLISH}

    @extend_schema(request=PublishInput, responses=FlashSerializer)
    def post(self, request: Request, crisis_id: int, flash_id: int) -> Response:
        flash = self.object_of(FlashInfo, flash_id)
        data = validated(PublishInput, request.data)
        try:
            services.flash_publish(flash=flash, by=request.user, **data)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        flash.refresh_from_db()
        return Response(FlashSerializer(flash).data)


class FlashTextView(CrisisScopedView):
    capabilities = {"GET": access.READ}

    @extend_schema(responses={(200, "text/plain"): str})
    def get(self, request: Request, crisis_id: int, flash_id: int) -> HttpResponse:
        flash = self.object_of(selectors.flash_of(self.crisis), flash_id)
        return HttpResponse(services.flash_text(flash), content_type="text/plain; charset=utf-8")


# --- messages ---------------------------------------------------------------------


class AcknowledgementSerializer(ModelSerializer):
    unit = serializers.CharField(source="service.name")

    class Meta:
        model = Acknowledgement
        fields = ["id", "service", "unit", "acknowledged_at", "acknowledged_by"]
        read_only_fields = fields


class MessageSerializer(ModelSerializer):
    missing = serializers.SerializerMethodField()
    text = serializers.SerializerMethodField()
    acknowledgements = AcknowledgementSerializer(many=True)

    class Meta:
        model = Message
        fields = [
            "id",
            "kind",
            "title",
            "body",
            "values",
            "missing",
            "text",
            "status",
            "approved_at",
            "published_at",
            "channel",
            "next_update_at",
            "acknowledgements",
        ]
        read_only_fields = fields

    def get_missing(self, message) -> list[str]:
        return services.missing(message)

    def get_text(self, message) -> str:
        return services.filled(message.body, message.values)


class MessageInput(serializers.Serializer):
    template = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    kind = serializers.ChoiceField(choices=MessageTemplate.Kind.choices, required=False, allow_blank=True, default="")
    title = api_fields.CharField(max_length=200, required=False, allow_blank=True, default="")
    body = api_fields.CharField(max_length=10000, required=False, allow_blank=True, default="")
    values = serializers.DictField(
        child=api_fields.CharField(max_length=2000, allow_blank=True), required=False, default=dict
    )

    def validate(self, attrs):
        if not attrs["template"] and not attrs["kind"]:
            raise serializers.ValidationError({"template": [gettext_lazy("Un modèle (ou un type de message).")]})
        return attrs


class MessagesView(CrisisScopedView):
    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = MessageSerializer

    @extend_schema(responses=MessageSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        messages = selectors.messages_of(self.crisis).prefetch_related("acknowledgements__service")
        return Response(MessageSerializer(messages, many=True).data)

    @extend_schema(request=MessageInput, responses={201: MessageSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(MessageInput, request.data)
        templates = services.templates_of(self.crisis.establishment)
        if data["template"]:
            template = self.referenced(templates, data["template"], "template")
        else:
            template = templates.filter(kind=data["kind"]).first()
            if template is None:
                raise exceptions.ValidationError({"kind": [_("Aucun modèle de ce type dans l'établissement.")]})
        try:
            message = services.message_create(
                crisis=self.crisis,
                by=request.user,
                template=template,
                values=data["values"],
                title=data["title"],
                body=data["body"],
            )
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return Response(MessageSerializer(message).data, status=status.HTTP_201_CREATED)


class MessageApproveView(CrisisScopedView):
    capabilities = {"POST": access.PUBLISH}

    @extend_schema(request=None, responses=MessageSerializer)
    def post(self, request: Request, crisis_id: int, message_id: int) -> Response:
        message = self.object_of(Message, message_id)
        try:
            services.message_approve(message=message, by=request.user)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        message.refresh_from_db()
        return Response(MessageSerializer(message).data)


class MessagePublishInput(serializers.Serializer):
    channel = serializers.ChoiceField(choices=Message.Channel.choices)
    next_update_at = api_fields.DateTimeField(required=False, allow_null=True, default=None)
    units = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, default=list, max_length=500
    )


class MessagePublishView(CrisisScopedView):
    capabilities = {"POST": access.PUBLISH}

    @extend_schema(request=MessagePublishInput, responses=MessageSerializer)
    def post(self, request: Request, crisis_id: int, message_id: int) -> Response:
        message = self.object_of(Message, message_id)
        data = validated(MessagePublishInput, request.data)
        data["units"] = [self.referenced(Service, pk, "units") for pk in data["units"]]
        try:
            services.message_publish(message=message, by=request.user, **data)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        message.refresh_from_db()
        return Response(MessageSerializer(message).data)


class AcknowledgeInput(serializers.Serializer):
    by_name = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")


class AcknowledgeView(CrisisScopedView):
    """A unit confirmed receipt of a published message."""

    capabilities = {"POST": access.WRITE}

    @extend_schema(request=AcknowledgeInput, responses=AcknowledgementSerializer)
    def post(self, request: Request, crisis_id: int, message_id: int, ack_id: int) -> Response:
        message = self.object_of(Message, message_id)
        ack = message.acknowledgements.select_related("service").filter(pk=ack_id).first()
        if ack is None:
            raise Http404
        ack.message = message
        services.acknowledge(acknowledgement=ack, by=request.user, **validated(AcknowledgeInput, request.data))
        ack.refresh_from_db()
        return Response(AcknowledgementSerializer(ack).data)


# --- the external contacts log ------------------------------------------------------


class ContactLogSerializer(ModelSerializer):
    handled_by_name = serializers.SerializerMethodField()

    class Meta:
        model = ContactLogEntry
        fields = [
            "id",
            "at",
            "direction",
            "who",
            "organisation",
            "category",
            "topic",
            "answer",
            "handled_by",
            "handled_by_name",
        ]
        read_only_fields = fields

    def get_handled_by_name(self, entry) -> str:
        return (entry.handled_by.get_full_name() or entry.handled_by.get_username()) if entry.handled_by_id else ""


class ContactLogInput(serializers.Serializer):
    at = api_fields.DateTimeField(required=False, allow_null=True, default=None)
    direction = serializers.ChoiceField(choices=ContactLogEntry.Direction.choices, required=False, default="entrant")
    who = api_fields.CharField(max_length=120)
    organisation = api_fields.CharField(max_length=120, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(
        choices=DirectoryEntry.Category.choices, required=False, allow_blank=True, default=""
    )
    topic = api_fields.CharField(max_length=200)
    answer = api_fields.CharField(max_length=4000, required=False, allow_blank=True, default="")
    handled_by = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)


class ContactsLogView(CrisisScopedView):
    """Every call with the press, the authorities or the partners; POST logs one."""

    capabilities = {"GET": access.READ, "POST": access.WRITE}
    serializer_class = ContactLogSerializer
    pagination_class = Pagination

    @extend_schema(responses=ContactLogSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        page = self.paginate_queryset(ContactLogEntry.objects.filter(crisis=self.crisis).select_related("handled_by"))
        return self.get_paginated_response(ContactLogSerializer(page, many=True).data)

    def member(self, user_id: int):
        membership = (
            Membership.objects.filter(establishment_id=self.crisis.establishment_id, user_id=user_id, is_active=True)
            .select_related("user")
            .first()
        )
        if membership is None:
            raise exceptions.ValidationError({"handled_by": [_("Cette personne n'est pas membre de l'établissement.")]})
        return membership.user

    @extend_schema(request=ContactLogInput, responses={201: ContactLogSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(ContactLogInput, request.data)
        data["handled_by"] = self.member(data["handled_by"]) if data["handled_by"] else request.user
        try:
            entry = services.contact_log_create(crisis=self.crisis, by=request.user, **data)
        except ValidationError as exc:
            raise _service_errors(exc) from None
        return Response(ContactLogSerializer(entry).data, status=status.HTTP_201_CREATED)

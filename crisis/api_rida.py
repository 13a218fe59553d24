"""API of the RIDA, the points de situation and the decisions with their own button.

Same rules as the journal: an outsider gets 404 (CrisisScopedView resolves the
crisis first), a member without the capability 403 on every write, bad input a
400 with field errors, DELETE a 405. Views validate, then call a service or a
selector; serializers are kept here, input and output apart.
"""

from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from web import api_fields
from web.pagination import Pagination

from . import exports, selectors, services
from .api import CrisisScopedView
from .models import Crisis, Decision, JournalEntry, Meeting, Membership, RidaLine
from .permissions import Cap, require_rida_fields
from .selectors import RidaFilters
from .serializers import MAX_ID, MAX_TEXT, DateTimeField

# --- output -----------------------------------------------------------------


class RidaLineSerializer(api_fields.ModelSerializer):
    number = serializers.CharField(help_text=gettext_lazy("« RIDA-001 » : unique dans la crise, jamais réattribué."))
    owner_label = serializers.CharField(
        help_text=gettext_lazy("Le nom du porteur, ou la personne ou le service saisi en texte libre.")
    )
    source_entry_seq = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = RidaLine
        fields = [
            "id",
            "number",
            "kind",
            "theme",
            "text",
            "source_entry",
            "source_entry_seq",
            "source_label",
            "owner",
            "owner_label",
            "due_at",
            "status",
            "is_overdue",
            "answer",
            "answered_at",
            "closure_validated_by",
            "abandon_reason",
            "meeting",
            "journal_entry",
            "created_at",
            "created_by",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_source_entry_seq(self, line: RidaLine) -> int | None:
        return line.source_entry.seq if line.source_entry_id else None

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, line: RidaLine) -> bool:
        return line.is_overdue()


class RidaHistoryRowSerializer(serializers.Serializer):
    at = api_fields.DateTimeField()
    by = serializers.IntegerField(
        source="by_id", allow_null=True, help_text=gettext_lazy("id de l'utilisateur ; null pour une intégration")
    )
    by_label = serializers.CharField()
    action = serializers.ChoiceField(choices=["create", "update"])
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)
    before_shown = serializers.CharField()
    after_shown = serializers.CharField()


class MeetingSerializer(api_fields.ModelSerializer):
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    guests = serializers.ListField(child=serializers.CharField())
    agenda_items = serializers.ListField(child=serializers.CharField())
    planned_end = api_fields.DateTimeField()
    is_running = serializers.BooleanField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "title",
            "scheduled_at",
            "started_at",
            "ended_at",
            "max_minutes",
            "overrun_minutes",
            "planned_end",
            "is_running",
            "chair",
            "attendees",
            "guests",
            "agenda_items",
            "repeats_daily",
        ]
        read_only_fields = fields


class AgendaItemSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["rida", "decision", "signalement", "free"])
    id = serializers.IntegerField(allow_null=True)
    label = serializers.CharField()
    due_at = api_fields.DateTimeField(allow_null=True)
    owner_label = serializers.CharField(allow_blank=True)


class AgendaSectionSerializer(serializers.Serializer):
    key = serializers.ChoiceField(choices=["actions_due", "decisions_to_confirm", "new_signalements", "free_items"])
    title = serializers.CharField()
    items = AgendaItemSerializer(many=True)


class AgendaSerializer(serializers.Serializer):
    meeting = serializers.IntegerField()
    sections = AgendaSectionSerializer(many=True)


class DecisionSerializer(api_fields.ModelSerializer):
    gate_label = serializers.CharField(source="get_gate_display")

    class Meta:
        model = Decision
        fields = [
            "id",
            "gate",
            "gate_label",
            "occurred_at",
            "details",
            "reassess_at",
            "reassesses",
            "opinion",
            "pathway",
            "destination",
            "ars_informed",
            "samu_informed",
            "journal_entry",
            "rida_line",
            "decided_by",
            "created_at",
        ]
        read_only_fields = fields


class GateStateSerializer(serializers.Serializer):
    gate = serializers.ChoiceField(choices=Decision.Gate.choices)
    label = serializers.CharField()
    in_effect = serializers.BooleanField(
        help_text=gettext_lazy("Sa dernière décision tient toujours (ni levée, ni réouverture, ni reconnexion).")
    )
    last_decision = serializers.IntegerField(source="last.pk", allow_null=True, default=None)
    last_at = api_fields.DateTimeField(source="last.occurred_at", allow_null=True, default=None)


class DecisionsSerializer(serializers.Serializer):
    state = GateStateSerializer(many=True, source="state.gates")
    reassessment_due = serializers.BooleanField(source="state.reassessment_due")
    closed_since = api_fields.DateTimeField(source="state.closed_since", allow_null=True)
    next_reassessment = api_fields.DateTimeField(source="state.next_reassessment", allow_null=True)
    results = DecisionSerializer(many=True)


# --- input ------------------------------------------------------------------


class RidaLineCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RidaLine.Kind.choices, default=RidaLine.Kind.ACTION)
    theme = serializers.CharField(max_length=120, required=False, allow_blank=True)
    text = serializers.CharField(max_length=MAX_TEXT)
    source_entry = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    source_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    owner_label = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Une personne ou un service sans compte."),
    )
    due_at = DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=RidaLine.Status.choices, default=RidaLine.Status.A_FAIRE)
    answer = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    abandon_reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    meeting = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)


class RidaLineUpdateSerializer(serializers.Serializer):
    theme = serializers.CharField(max_length=120, required=False, allow_blank=True)
    text = serializers.CharField(max_length=MAX_TEXT, required=False)
    source_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    owner = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    owner_label = serializers.CharField(max_length=200, required=False, allow_blank=True)
    due_at = DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=RidaLine.Status.choices, required=False)
    answer = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    answered_at = DateTimeField(required=False, allow_null=True)
    abandon_reason = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs:
            raise serializers.ValidationError(_("Rien à modifier."))
        return attrs


class RidaQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=RidaLine.Kind.choices, required=False)
    status = serializers.ChoiceField(choices=RidaLine.Status.choices, required=False)
    owner = serializers.IntegerField(
        min_value=1, max_value=MAX_ID, required=False, help_text=gettext_lazy("id de l'utilisateur")
    )
    theme = serializers.CharField(max_length=120, required=False)
    overdue = serializers.BooleanField(
        required=False, default=False, help_text=gettext_lazy("1 : lignes ouvertes dont l'échéance est passée")
    )
    q = serializers.CharField(
        max_length=200, required=False, help_text=gettext_lazy("texte, sans tenir compte des accents ni de la casse")
    )
    meeting = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def filters(self) -> RidaFilters:
        data = self.validated_data
        return RidaFilters(
            kind=data.get("kind", ""),
            status=data.get("status", ""),
            owner=data.get("owner"),
            theme=data.get("theme", ""),
            overdue=data["overdue"],
            q=data.get("q", ""),
            meeting=data.get("meeting"),
        )


class RidaExportQuerySerializer(RidaQuerySerializer):
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")


class MeetingCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, default=Meeting.Kind.CELLULE)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    scheduled_at = DateTimeField()
    max_minutes = serializers.IntegerField(min_value=5, max_value=240, default=30)
    chair = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False, allow_null=True)
    attendees = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False, max_length=200
    )
    guests = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)
    agenda_items = serializers.ListField(child=serializers.CharField(max_length=200), required=False, max_length=50)
    repeats_daily = serializers.BooleanField(required=False, default=False)


class MeetingStartSerializer(serializers.Serializer):
    started_at = DateTimeField(required=False)


class MeetingEndSerializer(serializers.Serializer):
    ended_at = DateTimeField(required=False)


class DecisionCreateSerializer(serializers.Serializer):
    gate = serializers.ChoiceField(choices=Decision.Gate.choices)
    occurred_at = DateTimeField(required=False)
    details = serializers.CharField(max_length=MAX_TEXT, required=False, allow_blank=True)
    reassess_at = DateTimeField(
        required=False, allow_null=True, help_text=gettext_lazy("obligatoire pour urgences_fermees")
    )
    opinion = serializers.CharField(max_length=300, required=False, allow_blank=True)
    pathway = serializers.CharField(max_length=200, required=False, allow_blank=True)
    destination = serializers.CharField(max_length=200, required=False, allow_blank=True)
    ars_informed = serializers.BooleanField(required=False, allow_null=True, default=None)
    samu_informed = serializers.BooleanField(required=False, allow_null=True, default=None)


# --- helpers ------------------------------------------------------------------


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


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


# --- RIDA ---------------------------------------------------------------------


class RidaListView(CrisisScopedView):
    """The crisis's RIDA, newest first; filters kind, status, owner, theme, overdue=1, q (limit/offset pages)."""

    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = RidaLineSerializer
    pagination_class = Pagination

    @extend_schema(parameters=[RidaQuerySerializer], responses=RidaLineSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        filters = _query(RidaQuerySerializer, request).filters()
        page = self.paginate_queryset(selectors.rida_lines(self.crisis, filters))
        return self.get_paginated_response(RidaLineSerializer(page, many=True).data)

    @extend_schema(request=RidaLineCreateSerializer, responses={201: RidaLineSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = _valid(RidaLineCreateSerializer, request.data)
        data["owner"] = _member(self.crisis, data.get("owner"), "owner")
        data["owner_other"] = data.pop("owner_label", "")
        data["source_entry"] = _of_crisis(JournalEntry, self.crisis, data.get("source_entry"), "source_entry")
        data["meeting"] = _of_crisis(Meeting, self.crisis, data.get("meeting"), "meeting")
        line = services.rida_create(crisis=self.crisis, by=request.user, **data)
        line = selectors.rida_line_of(self.crisis, line.pk)
        return Response(RidaLineSerializer(line).data, status=status.HTTP_201_CREATED)


class RidaLineView(CrisisScopedView):
    """One line. No DELETE (405): a line is abandoned, with abandon_reason, never deleted."""

    serializer_class = RidaLineSerializer

    def _line(self, line_id: int) -> RidaLine:
        line = selectors.rida_line_of(self.crisis, line_id)
        if line is None:
            raise exceptions.NotFound()
        line.crisis = self.crisis
        return line

    @extend_schema(responses=RidaLineSerializer)
    def get(self, request: Request, crisis_id: int, line_id: int) -> Response:
        return Response(RidaLineSerializer(self._line(line_id)).data)

    @extend_schema(request=RidaLineUpdateSerializer, responses=RidaLineSerializer)
    def patch(self, request: Request, crisis_id: int, line_id: int) -> Response:
        """Change status, owner, due time, answer... RIDA managers change any field, a line's owner its follow-up."""
        line = self._line(line_id)
        require_rida_fields(self.membership, line, [])  # 403 before any validation for one who may change nothing
        data = _valid(RidaLineUpdateSerializer, request.data)
        if "owner" in data:
            data["owner"] = _member(self.crisis, data["owner"], "owner")
        if "owner_label" in data:
            data["owner_other"] = data.pop("owner_label")
        require_rida_fields(self.membership, line, data)
        services.rida_update(line=line, by=request.user, **data)
        return Response(RidaLineSerializer(selectors.rida_line_of(self.crisis, line.pk)).data)


class RidaHistoryView(CrisisScopedView):
    """Every change of the line, newest first, one row per field: [{at, by, field, before, after}]."""

    serializer_class = RidaHistoryRowSerializer

    @extend_schema(responses=RidaHistoryRowSerializer(many=True))
    def get(self, request: Request, crisis_id: int, line_id: int) -> Response:
        line = selectors.rida_line_of(self.crisis, line_id)
        if line is None:
            raise exceptions.NotFound()
        return Response(RidaHistoryRowSerializer(selectors.rida_history(line), many=True).data)


class RidaExportView(CrisisScopedView):
    """The RIDA as XLSX or CSV (UTF-8 with BOM, ';'), the same filters as the list applied."""

    def perform_content_negotiation(self, request, force=False):
        # ?format= names the file type here, not a DRF renderer: errors still answer in JSON.
        return JSONRenderer(), JSONRenderer.media_type

    @extend_schema(
        parameters=[RidaExportQuerySerializer],
        responses={
            (200, exports.XLSX_TYPE): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            400: OpenApiResponse(description=gettext_lazy("Filtre ou format invalide.")),
        },
    )
    def get(self, request: Request, crisis_id: int) -> HttpResponse:
        query = _query(RidaExportQuerySerializer, request)
        lines = selectors.rida_in_number_order(self.crisis, query.filters())
        return rida_export_response(self.crisis, lines, query.validated_data["format"])


def rida_export_response(crisis: Crisis, lines, file_format: str) -> HttpResponse:
    """The export as a download (the page's export links come here too)."""
    if file_format == "csv":
        body, content_type = exports.rida_csv(lines), exports.CSV_TYPE
    else:
        body, content_type = exports.rida_xlsx(lines, title=f"RIDA — {crisis.title}"), exports.XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(crisis, file_format)}"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- points de situation ---------------------------------------------------------


class MeetingListView(CrisisScopedView):
    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = MeetingSerializer
    pagination_class = Pagination

    @extend_schema(responses=MeetingSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        page = self.paginate_queryset(selectors.meetings_of(self.crisis).prefetch_related("attendees"))
        return self.get_paginated_response(MeetingSerializer(page, many=True).data)

    @extend_schema(request=MeetingCreateSerializer, responses={201: MeetingSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = _valid(MeetingCreateSerializer, request.data)
        data["chair"] = _member(self.crisis, data.get("chair"), "chair")
        data["attendees"] = _members(self.crisis, data.get("attendees", []), "attendees")
        meeting = services.meeting_create(crisis=self.crisis, by=request.user, **data)
        return Response(MeetingSerializer(meeting).data, status=status.HTTP_201_CREATED)


class MeetingScopedView(CrisisScopedView):
    def _meeting(self, meeting_id: int) -> Meeting:
        meeting = selectors.meeting_of(self.crisis, meeting_id)
        if meeting is None:
            raise exceptions.NotFound()
        meeting.crisis = self.crisis
        return meeting


class MeetingDetailView(MeetingScopedView):
    serializer_class = MeetingSerializer

    @extend_schema(responses=MeetingSerializer)
    def get(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        return Response(MeetingSerializer(self._meeting(meeting_id)).data)


class MeetingStartView(MeetingScopedView):
    """Open the point (now unless started_at says otherwise): the countdown starts."""

    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = MeetingSerializer

    @extend_schema(request=MeetingStartSerializer, responses=MeetingSerializer)
    def post(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        meeting = self._meeting(meeting_id)
        data = _valid(MeetingStartSerializer, request.data)
        services.meeting_start(meeting=meeting, by=request.user, at=data.get("started_at"))
        return Response(MeetingSerializer(self._meeting(meeting_id)).data)


class MeetingEndView(MeetingScopedView):
    """Close the point; overrun_minutes says how late it ended."""

    capabilities = {"POST": Cap.MANAGE_RIDA}
    serializer_class = MeetingSerializer

    @extend_schema(request=MeetingEndSerializer, responses=MeetingSerializer)
    def post(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        meeting = self._meeting(meeting_id)
        data = _valid(MeetingEndSerializer, request.data)
        services.meeting_end(meeting=meeting, by=request.user, at=data.get("ended_at"))
        return Response(MeetingSerializer(self._meeting(meeting_id)).data)


def agenda_items(section) -> list[dict]:
    """The agenda's items in one shape, whatever they are (RIDA line, decision, signalement, free item)."""
    items = []
    for item in section.items:
        if isinstance(item, RidaLine):
            label = f"{item.number} {item.text}"
            items.append(
                {"type": "rida", "id": item.pk, "label": label, "due_at": item.due_at, "owner_label": item.owner_label}
            )
        elif isinstance(item, Decision):
            label = item.get_gate_display()
            items.append(
                {"type": "decision", "id": item.pk, "label": label, "due_at": item.reassess_at, "owner_label": ""}
            )
        elif isinstance(item, str):
            items.append({"type": "free", "id": None, "label": item, "due_at": None, "owner_label": ""})
        else:  # a signalement, once the tickets app provides them
            items.append({"type": "signalement", "id": item.pk, "label": str(item), "due_at": None, "owner_label": ""})
    return items


class MeetingAgendaView(MeetingScopedView):
    """The agenda built for the point: actions due or overdue, decisions to confirm, new signalements, free items."""

    serializer_class = AgendaSerializer

    @extend_schema(responses=AgendaSerializer)
    def get(self, request: Request, crisis_id: int, meeting_id: int) -> Response:
        meeting = self._meeting(meeting_id)
        sections = [
            {"key": section.key, "title": section.title, "items": agenda_items(section)}
            for section in selectors.meeting_agenda(meeting)
        ]
        return Response(AgendaSerializer({"meeting": meeting.pk, "sections": sections}).data)


# --- decisions ------------------------------------------------------------------


class DecisionListView(CrisisScopedView):
    """Decisions with their own button, newest first, with the current state of each gate."""

    capabilities = {"POST": Cap.DECIDE}
    serializer_class = DecisionSerializer

    @extend_schema(responses=DecisionsSerializer)
    def get(self, request: Request, crisis_id: int) -> Response:
        payload = {"state": selectors.decisions_state(self.crisis), "results": selectors.decision_list(self.crisis)}
        return Response(DecisionsSerializer(payload).data)

    @extend_schema(
        request=DecisionCreateSerializer,
        responses={201: DecisionSerializer},
    )
    def post(self, request: Request, crisis_id: int) -> Response:
        """Record a decision: a "décision" entry in the journal and a D line in the RIDA."""
        data = _valid(DecisionCreateSerializer, request.data)
        decision = services.decision_record(crisis=self.crisis, by=request.user, **data)
        return Response(DecisionSerializer(decision).data, status=status.HTTP_201_CREATED)

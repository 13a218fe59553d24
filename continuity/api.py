"""Continuity's API: procedures (drafts, publication, versions, gaps), the application map and its restart
plan, application statuses and the situation of a crisis, workarounds, the re-entry backlog.

Paths and field names are a contract (issue "Continuity"): other tools rely on them.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from crisis.api import CrisisScopedView, EstablishmentScopedView
from crisis.models import Service
from web import api_fields
from web.api_fields import ModelSerializer
from web.api_input import validated
from web.pagination import Pagination

from . import exchange, selectors, services
from . import permissions as access
from .models import Application, ApplicationStatus, Procedure, ProcedureVersion, ReentryKind, Workaround

MAX_LINKS = 500

# --- procedures -----------------------------------------------------------------------


class ProcedureSerializer(ModelSerializer):
    service_name = api_fields.CharField(source="service.name")
    trigger_applications = serializers.SerializerMethodField()
    validated_by = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = [
            "id",
            "service",
            "service_name",
            "kind",
            "title",
            "trigger_applications",
            "body",
            "status",
            "version",
            "owner",
            "validated_by",
            "validated_at",
            "review_due",
            "tested_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_trigger_applications(self, obj) -> list[int]:
        return sorted(a.pk for a in obj.trigger_applications.all())

    def get_validated_by(self, obj) -> str | None:
        user = obj.validated_by
        return (user.get_full_name() or user.get_username()) if user else None


class VersionSerializer(ModelSerializer):
    validated_by = serializers.SerializerMethodField()
    version = serializers.IntegerField(source="number")

    class Meta:
        model = ProcedureVersion
        fields = [
            "id",
            "version",
            "kind",
            "service_name",
            "title",
            "triggers",
            "body",
            "owner",
            "validated_by",
            "validated_at",
            "review_due",
        ]
        read_only_fields = fields

    def get_validated_by(self, obj) -> str | None:
        user = obj.validated_by
        return (user.get_full_name() or user.get_username()) if user else None


class ProcedureWriteSerializer(serializers.Serializer):
    service = serializers.IntegerField(label=_("service"), min_value=1)
    kind = serializers.ChoiceField(label=_("nature"), choices=Procedure.Kind.choices, default=Procedure.Kind.PROCEDURE)
    title = api_fields.CharField(label=_("intitulé"), max_length=200)
    body = api_fields.CharField(label=_("contenu"), max_length=50_000, trim_whitespace=False)
    owner = api_fields.CharField(label=_("responsable"), max_length=200, required=False, allow_blank=True)
    review_due = serializers.DateField(label=_("prochaine revue"), required=False, allow_null=True)
    tested_at = serializers.DateField(label=_("dernier exercice"), required=False, allow_null=True)
    trigger_applications = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_LINKS
    )


class ProcedurePatchSerializer(ProcedureWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


class PublishSerializer(serializers.Serializer):
    review_due = serializers.DateField(label=_("prochaine revue"), required=False, allow_null=True)


class _ProcedureInput:
    def procedure_input(self, data: dict) -> dict:
        if "service" in data:
            data["service"] = self.referenced(Service, data["service"], "service")
        if "trigger_applications" in data:
            data["trigger_applications"] = [
                self.referenced(Application, pk, "trigger_applications") for pk in set(data["trigger_applications"])
            ]
        return data


class ProcedureListView(_ProcedureInput, EstablishmentScopedView):
    """The establishment's procedures (drafts and published); POST creates a draft."""

    capabilities = {"GET": access.READ, "POST": access.EDIT}
    serializer_class = ProcedureSerializer
    pagination_class = Pagination

    @extend_schema(responses=ProcedureSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        page = self.paginate_queryset(selectors.procedures_of(self.establishment))
        return self.get_paginated_response(ProcedureSerializer(page, many=True).data)

    @extend_schema(request=ProcedureWriteSerializer, responses={201: ProcedureSerializer})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = self.procedure_input(validated(ProcedureWriteSerializer, request.data))
        procedure = services.procedure_create(establishment=self.establishment, by=request.user, **data)
        return Response(ProcedureSerializer(procedure).data, status=status.HTTP_201_CREATED)


class ProcedureDetailView(_ProcedureInput, EstablishmentScopedView):
    """One procedure (its draft and its publication state); PATCH edits the draft."""

    capabilities = {"GET": access.READ, "PATCH": access.EDIT}
    serializer_class = ProcedureSerializer

    @extend_schema(responses=ProcedureSerializer)
    def get(self, request: Request, establishment_id: int, procedure_id: int) -> Response:
        procedure = self.object_of(selectors.procedures_of(self.establishment), procedure_id)
        return Response(ProcedureSerializer(procedure).data)

    @extend_schema(request=ProcedurePatchSerializer, responses=ProcedureSerializer)
    def patch(self, request: Request, establishment_id: int, procedure_id: int) -> Response:
        procedure = self.object_of(Procedure, procedure_id)
        data = self.procedure_input(validated(ProcedurePatchSerializer, request.data))
        services.procedure_update(procedure=procedure, by=request.user, **data)
        procedure = self.object_of(selectors.procedures_of(self.establishment), procedure_id)
        return Response(ProcedureSerializer(procedure).data)


class ProcedurePublishView(EstablishmentScopedView):
    """Publish the draft as a new version (a decision: access.PUBLISH)."""

    capabilities = {"POST": access.PUBLISH}
    serializer_class = VersionSerializer

    @extend_schema(request=PublishSerializer, responses={201: VersionSerializer})
    def post(self, request: Request, establishment_id: int, procedure_id: int) -> Response:
        procedure = self.object_of(Procedure, procedure_id)
        data = validated(PublishSerializer, request.data)
        version = services.procedure_publish(procedure=procedure, by=request.user, review_due=data.get("review_due"))
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class ProcedureVersionsView(EstablishmentScopedView):
    """Every published version of a procedure, newest first."""

    capabilities = {"GET": access.READ}
    serializer_class = VersionSerializer

    @extend_schema(responses=VersionSerializer(many=True))
    def get(self, request: Request, establishment_id: int, procedure_id: int) -> Response:
        procedure = self.object_of(Procedure, procedure_id)
        return Response(VersionSerializer(selectors.versions_of(procedure), many=True).data)


class GapsSerializer(serializers.Serializer):
    services_without_procedure = serializers.ListField(child=serializers.DictField())
    overdue_reviews = serializers.ListField(child=serializers.DictField())


class ProcedureGapsView(EstablishmentScopedView):
    """Services with no published procedure, and published procedures whose review is overdue."""

    capabilities = {"GET": access.READ}
    serializer_class = GapsSerializer

    @extend_schema(responses=GapsSerializer)
    def get(self, request: Request, establishment_id: int) -> Response:
        found = selectors.gaps(self.establishment)
        return Response(
            {
                "services_without_procedure": [
                    {"id": s.pk, "name": s.name} for s in found["services_without_procedure"]
                ],
                "overdue_reviews": [
                    {
                        "id": p.pk,
                        "title": p.title,
                        "service": p.service_id,
                        "service_name": p.service.name,
                        "version": p.version,
                        "review_due": p.review_due.isoformat(),
                    }
                    for p in found["overdue_reviews"]
                ],
            }
        )


class ImportSerializer(serializers.Serializer):
    format = serializers.ChoiceField(choices=[("json", "JSON"), ("yaml", "YAML")], default="json")
    content = api_fields.CharField(max_length=2_000_000, trim_whitespace=False)


class ProcedureExportView(EstablishmentScopedView):
    """Every procedure (its current draft) as a shared file's data: see continuity.exchange."""

    capabilities = {"GET": access.READ}

    @extend_schema(responses=dict)
    def get(self, request: Request, establishment_id: int) -> Response:
        return Response(exchange.export_data(selectors.procedures_of(self.establishment)))


class ProcedureImportView(EstablishmentScopedView):
    """Import a shared file (JSON or YAML text): each procedure becomes a draft, all or nothing."""

    capabilities = {"POST": access.EDIT}

    @extend_schema(request=ImportSerializer, responses={201: ProcedureSerializer(many=True)})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = validated(ImportSerializer, request.data)
        parsed = exchange.loads(data["content"], data["format"])
        created = exchange.import_data(establishment=self.establishment, by=request.user, data=parsed)
        return Response(ProcedureSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


# --- applications and the restart plan ----------------------------------------------------


class ApplicationSerializer(ModelSerializer):
    depends_on = serializers.SerializerMethodField()
    services = serializers.SerializerMethodField()
    procedures = serializers.SerializerMethodField()

    class Meta:
        model = Application
        fields = [
            "id",
            "name",
            "kind",
            "vendor",
            "purpose",
            "services",
            "hosting",
            "criticality",
            "priority",
            "rto_hours",
            "rpo_hours",
            "depends_on",
            "backup_verified_at",
            "backup_verified_by",
            "procedures",
            "updated_at",
        ]
        read_only_fields = fields

    def get_depends_on(self, obj) -> list[int]:
        return sorted(a.pk for a in obj.depends_on.all())

    def get_services(self, obj) -> list[int]:
        return sorted(s.pk for s in obj.services.all())

    def get_procedures(self, obj) -> list[int]:
        return sorted(p.pk for p in obj.procedures.all())


class ApplicationWriteSerializer(serializers.Serializer):
    name = api_fields.CharField(label=_("nom"), max_length=120)
    kind = serializers.ChoiceField(choices=Application.Kind.choices, default=Application.Kind.APPLICATION)
    vendor = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    purpose = api_fields.CharField(max_length=300, required=False, allow_blank=True)
    hosting = serializers.ChoiceField(choices=Application.Hosting.choices, default=Application.Hosting.ON_SITE)
    criticality = serializers.ChoiceField(
        choices=Application.Criticality.choices, default=Application.Criticality.MEDIUM
    )
    priority = serializers.IntegerField(min_value=1, max_value=4, default=3)
    rto_hours = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    rpo_hours = serializers.IntegerField(min_value=0, max_value=100_000, required=False, allow_null=True)
    backup_verified_at = serializers.DateField(required=False, allow_null=True)
    backup_verified_by = api_fields.CharField(max_length=120, required=False, allow_blank=True)
    depends_on = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_LINKS
    )
    services = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, max_length=MAX_LINKS)


class ApplicationPatchSerializer(ApplicationWriteSerializer):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, partial=True, **kwargs)


def applications_of(establishment):
    return Application.objects.filter(establishment=establishment).prefetch_related(
        "depends_on", "services", "procedures"
    )


class _ApplicationInput:
    def application_input(self, data: dict) -> dict:
        if "depends_on" in data:
            data["depends_on"] = [self.referenced(Application, pk, "depends_on") for pk in set(data["depends_on"])]
        if "services" in data:
            data["services"] = [self.referenced(Service, pk, "services") for pk in set(data["services"])]
        return data


class ApplicationListView(_ApplicationInput, EstablishmentScopedView):
    """The application map; POST adds an application."""

    capabilities = {"GET": access.READ, "POST": access.EDIT}
    serializer_class = ApplicationSerializer
    pagination_class = Pagination

    @extend_schema(responses=ApplicationSerializer(many=True))
    def get(self, request: Request, establishment_id: int) -> Response:
        page = self.paginate_queryset(applications_of(self.establishment))
        return self.get_paginated_response(ApplicationSerializer(page, many=True).data)

    @extend_schema(request=ApplicationWriteSerializer, responses={201: ApplicationSerializer})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = self.application_input(validated(ApplicationWriteSerializer, request.data))
        application = services.application_create(establishment=self.establishment, by=request.user, **data)
        return Response(ApplicationSerializer(application).data, status=status.HTTP_201_CREATED)


class ApplicationDetailView(_ApplicationInput, EstablishmentScopedView):
    capabilities = {"GET": access.READ, "PATCH": access.EDIT}
    serializer_class = ApplicationSerializer

    @extend_schema(responses=ApplicationSerializer)
    def get(self, request: Request, establishment_id: int, application_id: int) -> Response:
        return Response(ApplicationSerializer(self.object_of(applications_of(self.establishment), application_id)).data)

    @extend_schema(request=ApplicationPatchSerializer, responses=ApplicationSerializer)
    def patch(self, request: Request, establishment_id: int, application_id: int) -> Response:
        application = self.object_of(Application, application_id)
        data = self.application_input(validated(ApplicationPatchSerializer, request.data))
        services.application_update(application=application, by=request.user, **data)
        return Response(ApplicationSerializer(self.object_of(applications_of(self.establishment), application_id)).data)


def plan_data(plan) -> dict:
    return {
        "waves": [
            [
                {
                    "application": step.application.name,
                    "id": step.application.pk,
                    "priority": step.application.priority,
                    "waits_for": step.waits_for,
                }
                for step in wave
            ]
            for wave in plan.waves
        ],
        "cycles": plan.cycles,
        "blocked": plan.blocked,
    }


class RestartPlanView(EstablishmentScopedView):
    """The computed restart order: waves respecting dependencies, cycles reported with their members."""

    capabilities = {"GET": access.READ}

    @extend_schema(responses=dict)
    def get(self, request: Request, establishment_id: int) -> Response:
        return Response(plan_data(selectors.restart_plan(self.establishment)))


# --- the crisis: statuses, situation, workarounds ----------------------------------------------


class StatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ApplicationStatus.Status.choices)
    comment = api_fields.CharField(max_length=500, required=False, allow_blank=True, default="")
    eta = api_fields.DateTimeField(required=False, allow_null=True, default=None)


class StatusOutSerializer(ModelSerializer):
    class Meta:
        model = ApplicationStatus
        fields = ["id", "application", "status", "comment", "eta", "updated_at"]
        read_only_fields = fields


class ApplicationStatusView(CrisisScopedView):
    """Set an application's status in this crisis (kept in its history and written to the journal)."""

    capabilities = {"POST": access.REPORT}
    serializer_class = StatusOutSerializer

    @extend_schema(request=StatusSerializer, responses={200: StatusOutSerializer})
    def post(self, request: Request, crisis_id: int, application_id: int) -> Response:
        if self.crisis.closed_at is not None:
            return Response({"detail": _("Cette crise est close.")}, status=status.HTTP_400_BAD_REQUEST)
        application = self.object_of(Application, application_id)
        data = validated(StatusSerializer, request.data)
        row = services.application_status_set(crisis=self.crisis, application=application, by=request.user, **data)
        return Response(StatusOutSerializer(row).data)


def situation_data(found) -> dict:
    def version(v):
        return {
            "id": v.procedure_id,
            "title": v.title,
            "service": v.procedure.service_id,
            "service_name": v.service_name,
            "version": v.number,
        }

    return {
        "applications": [
            {
                "id": row.application.pk,
                "name": row.application.name,
                "priority": row.application.priority,
                "status": row.status_value,
                "comment": row.status.comment if row.status else "",
                "eta": api_fields.DateTimeField().to_representation(row.status.eta) if row.status else None,
                "restartable_now": row.restartable_now,
                "waits_for": row.waits_for,
                "procedures": [version(v) for v in row.procedures],
            }
            for row in found.rows
        ],
        "restartable_now": [row.application.name for row in found.restartable],
        "procedures_in_force": [version(v) for v in found.procedures_in_force],
    }


class SituationView(CrisisScopedView):
    """Each application with its status in this crisis, what can restart now, the procedures in force."""

    capabilities = {"GET": access.READ}

    @extend_schema(responses=dict)
    def get(self, request: Request, crisis_id: int) -> Response:
        return Response(situation_data(selectors.situation(self.crisis)))


class WorkaroundSerializer(ModelSerializer):
    class Meta:
        model = Workaround
        fields = ["id", "service", "application", "description", "since", "until", "cost", "updated_at"]
        read_only_fields = fields


class WorkaroundWriteSerializer(serializers.Serializer):
    description = api_fields.CharField(max_length=500)
    service = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    application = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    since = api_fields.DateTimeField(required=False, allow_null=True)
    until = api_fields.DateTimeField(required=False, allow_null=True)
    cost = serializers.DecimalField(max_digits=12, decimal_places=2, min_value=0, required=False, allow_null=True)


class WorkaroundListView(CrisisScopedView):
    """The crisis's workarounds (contournements); POST logs one."""

    capabilities = {"GET": access.READ, "POST": access.REPORT}
    serializer_class = WorkaroundSerializer
    pagination_class = Pagination

    @extend_schema(responses=WorkaroundSerializer(many=True))
    def get(self, request: Request, crisis_id: int) -> Response:
        page = self.paginate_queryset(selectors.workarounds_of(self.crisis))
        return self.get_paginated_response(WorkaroundSerializer(page, many=True).data)

    @extend_schema(request=WorkaroundWriteSerializer, responses={201: WorkaroundSerializer})
    def post(self, request: Request, crisis_id: int) -> Response:
        data = validated(WorkaroundWriteSerializer, request.data)
        data["service"] = self.referenced(Service, data.get("service"), "service") if data.get("service") else None
        data["application"] = (
            self.referenced(Application, data.get("application"), "application") if data.get("application") else None
        )
        row = services.workaround_create(crisis=self.crisis, by=request.user, **data)
        return Response(WorkaroundSerializer(row).data, status=status.HTTP_201_CREATED)


# --- the re-entry backlog -----------------------------------------------------------------


class ReentryWriteSerializer(serializers.Serializer):
    kind = api_fields.CharField(max_length=120)
    total = serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)
    entries = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    day = serializers.DateField(required=False)

    def validate(self, attrs):
        if "total" not in attrs and "entries" not in attrs:
            raise serializers.ValidationError(
                _("Donnez le total à ressaisir (total) ou les saisies d'un jour (entries).")
            )
        return attrs


def reentry_data(rows) -> list[dict]:
    return [
        {
            "id": r.reentry.pk,
            "kind": r.reentry.kind,
            "total": r.total,
            "done": r.done,
            "left": r.left,
            "per_day": r.per_day,
            "projected_end": r.projected_end.isoformat() if r.projected_end else None,
        }
        for r in rows
    ]


class ReentryView(EstablishmentScopedView):
    """The re-entry backlog per kind; POST creates a kind (kind, total), changes its total, or records a
    day's entries (kind, entries, day: today by default)."""

    capabilities = {"GET": access.READ, "POST": access.REPORT}

    @extend_schema(responses=dict)
    def get(self, request: Request, establishment_id: int) -> Response:
        return Response(reentry_data(selectors.reentry_backlog(self.establishment)))

    @extend_schema(request=ReentryWriteSerializer, responses={201: dict})
    def post(self, request: Request, establishment_id: int) -> Response:
        data = validated(ReentryWriteSerializer, request.data)
        kind = " ".join(data["kind"].split())
        row = ReentryKind.objects.filter(establishment=self.establishment, kind__iexact=kind).first()
        if row is None and "total" not in data:
            raise serializers.ValidationError({"kind": [_("Nature de ressaisie inconnue : donnez son total.")]})
        if row is None:
            row = services.reentry_kind_create(
                establishment=self.establishment, by=request.user, kind=kind, total=data["total"]
            )
        elif "total" in data:
            services.reentry_kind_update(reentry=row, by=request.user, total=data["total"])
        if "entries" in data:
            services.reentry_record(reentry=row, by=request.user, count=data["entries"], day=data.get("day"))
        found = [r for r in selectors.reentry_backlog(self.establishment) if r.reentry.pk == row.pk]
        return Response(reentry_data(found)[0], status=status.HTTP_201_CREATED)

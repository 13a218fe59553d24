"""API serializers of printing: the request, the job, the list of documents."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from web import api_fields

from .models import PrintJob

MAX_PARAMS = 50  # parameters of one request: a form has a handful


class PrintRequestSerializer(serializers.Serializer):
    document = api_fields.CharField(max_length=60, help_text=_("Nom d'un document de GET /api/documents/."))
    params = serializers.DictField(
        required=False, default=dict, help_text=_("Ses paramètres (voir « parameters » dans la liste).")
    )

    def validate_params(self, value: dict) -> dict:
        if len(value) > MAX_PARAMS:
            raise serializers.ValidationError(_("Trop de paramètres."))
        return value


class ProgressSerializer(serializers.Serializer):
    parts_done = serializers.IntegerField()
    parts_total = serializers.IntegerField()


class LeftOutSerializer(serializers.Serializer):
    document = api_fields.CharField()
    capability = api_fields.CharField()


class PrintJobSerializer(serializers.ModelSerializer):
    title = api_fields.CharField(source="display_title")
    progress = serializers.SerializerMethodField()
    pages = serializers.IntegerField(source="page_count", allow_null=True)
    requested_by = serializers.SlugRelatedField(slug_field="username", read_only=True, allow_null=True)
    file = serializers.SerializerMethodField()
    left_out = LeftOutSerializer(many=True)

    class Meta:
        model = PrintJob
        fields = [
            "id",
            "document",
            "params",
            "title",
            "establishment",
            "crisis",
            "language",
            "status",
            "progress",
            "pages",
            "sha256",
            "requested_by",
            "created_at",
            "finished_at",
            "error",
            "file",
            "left_out",
        ]
        read_only_fields = fields

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, job: PrintJob) -> dict:
        done, total = job.progress()
        return {"parts_done": done, "parts_total": total}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_file(self, job: PrintJob) -> str | None:
        if not (job.is_done and job.file):
            return None
        url = reverse("printing:api-print-job-file", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ParameterSerializer(serializers.Serializer):
    name = api_fields.CharField()
    label = api_fields.CharField()
    type = api_fields.CharField(help_text=_("choice, multiplechoice, char, integer, boolean…"))
    required = serializers.BooleanField()
    help_text = api_fields.CharField()
    choices = serializers.ListField(child=api_fields.CharField(), required=False)


class DocumentSerializer(serializers.Serializer):
    name = api_fields.CharField()
    title = api_fields.CharField()
    scope = serializers.ChoiceField(choices=["establishment", "crisis"])
    required_capability = api_fields.CharField()
    is_collection = serializers.BooleanField()
    extension = api_fields.CharField()
    in_kit = serializers.BooleanField()
    parameters = ParameterSerializer(many=True)

from django.contrib import admin

from .models import PrintJob, RenderedPart


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the pipeline only."""

    list_display = [
        "pk",
        "title",
        "document",
        "status",
        "establishment",
        "requested_by",
        "created_at",
        "page_count",
        "attempts",
    ]
    list_filter = ["status", "document", "establishment"]
    search_fields = ["title", "document"]
    readonly_fields = [f.name for f in PrintJob._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RenderedPart)
class RenderedPartAdmin(admin.ModelAdmin):
    list_display = ["document", "params", "establishment", "page_count", "rendered_at", "used_at"]
    list_filter = ["document", "establishment"]
    readonly_fields = [f.name for f in RenderedPart._meta.fields]

    def has_add_permission(self, request):
        return False

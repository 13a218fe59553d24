from django.contrib import admin

from .models import Bed, CareUnit, DegradedProcedure, PrintJob, RenderedPart


@admin.register(DegradedProcedure)
class DegradedProcedureAdmin(admin.ModelAdmin):
    list_display = ["service", "title", "establishment", "version", "reviewed_at", "updated_at"]
    list_filter = ["establishment"]
    search_fields = ["service", "title", "owner"]


class BedInline(admin.TabularInline):
    model = Bed
    extra = 0


@admin.register(CareUnit)
class CareUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "establishment", "location", "position"]
    list_filter = ["establishment"]
    inlines = [BedInline]


@admin.register(PrintJob)
class PrintJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are written by the pipeline only."""

    list_display = [
        "pk",
        "title",
        "kind",
        "status",
        "establishment",
        "requested_by",
        "created_at",
        "page_count",
        "attempts",
    ]
    list_filter = ["status", "kind", "establishment"]
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

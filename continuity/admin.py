from django.contrib import admin

from .models import Bed, DegradedProcedure


@admin.register(DegradedProcedure)
class DegradedProcedureAdmin(admin.ModelAdmin):
    list_display = ["service", "title", "establishment", "version", "reviewed_at", "updated_at"]
    list_filter = ["establishment"]
    search_fields = ["service__name", "title", "owner"]
    list_select_related = ["service", "establishment"]


@admin.register(Bed)
class BedAdmin(admin.ModelAdmin):
    """Beds of the care units (the services of the core list that have beds, crisis.Service)."""

    list_display = ["label", "unit", "position"]
    list_filter = ["unit__establishment"]
    search_fields = ["label", "unit__name"]
    list_select_related = ["unit"]

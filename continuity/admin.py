from django.contrib import admin

from crisis.admin import ViewOnlyAdmin

from .models import Bed, DegradedProcedure

# Read-only until these records change through the record kit (their history, their live topic):
# procedures with the continuity issue, beds with the bed map.


@admin.register(DegradedProcedure)
class DegradedProcedureAdmin(ViewOnlyAdmin):
    list_display = ["service", "title", "establishment", "version", "reviewed_at", "updated_at"]
    list_filter = ["establishment"]
    search_fields = ["service__name", "title", "owner"]
    list_select_related = ["service", "establishment"]


@admin.register(Bed)
class BedAdmin(ViewOnlyAdmin):
    """Beds of the care units (the services of the core list that have beds, crisis.Service)."""

    list_display = ["label", "unit", "position"]
    list_filter = ["unit__establishment"]
    search_fields = ["label", "unit__name"]
    list_select_related = ["unit"]

from django.contrib import admin

from crisis.admin import ViewOnlyAdmin

from .models import Bed, CareUnit, DegradedProcedure

# Read-only until these records change through the record kit (their history, their live topic):
# procedures with the continuity issue, units with the establishment's services list, beds with the bed map.


@admin.register(DegradedProcedure)
class DegradedProcedureAdmin(ViewOnlyAdmin):
    list_display = ["service", "title", "establishment", "version", "reviewed_at", "updated_at"]
    list_filter = ["establishment"]
    search_fields = ["service", "title", "owner"]


class BedInline(admin.TabularInline):
    model = Bed
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CareUnit)
class CareUnitAdmin(ViewOnlyAdmin):
    list_display = ["name", "establishment", "location", "position"]
    list_filter = ["establishment"]
    inlines = [BedInline]


@admin.register(Bed)
class BedAdmin(ViewOnlyAdmin):
    list_display = ["label", "unit", "position"]
    list_filter = ["unit__establishment"]

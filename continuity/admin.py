from django.contrib import admin

from .models import Bed, CareUnit, DegradedProcedure


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

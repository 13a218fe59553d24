from django.contrib import admin

from crisis.admin import ViewOnlyAdmin

from .models import Application, Procedure, ProcedureVersion

# Read-only: these records change through the record kit (their history, their live topic), from the pages.


@admin.register(Procedure)
class ProcedureAdmin(ViewOnlyAdmin):
    list_display = ["service", "title", "kind", "establishment", "status", "version", "review_due", "updated_at"]
    list_filter = ["establishment", "kind", "status"]
    search_fields = ["service__name", "title", "owner"]
    list_select_related = ["service", "establishment"]


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(ViewOnlyAdmin):
    list_display = ["title", "number", "service_name", "validated_at"]
    search_fields = ["title", "service_name"]


@admin.register(Application)
class ApplicationAdmin(ViewOnlyAdmin):
    list_display = ["name", "kind", "priority", "criticality", "hosting", "establishment"]
    list_filter = ["establishment", "priority", "kind"]
    search_fields = ["name", "vendor"]

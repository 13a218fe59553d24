"""Tickets and alerts in the admin: read-only (their history goes through the record kit); alert
sources are created here with their token shown once."""

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from crisis.admin import ViewOnlyAdmin

from .models import Alert, AlertSource, Ticket
from .services import alert_source_create

ReadOnly = ViewOnlyAdmin  # tickets and alerts change through their services only


@admin.register(Ticket)
class TicketAdmin(ReadOnly):
    list_display = ("number", "establishment", "status", "priority", "category", "reporter_service", "created_at")
    list_filter = ("establishment", "status", "priority", "category")
    search_fields = ("description", "reporter_name")


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ("title", "establishment", "source", "severity", "status", "host", "detected_at")
    list_filter = ("establishment", "severity", "status")
    search_fields = ("title", "host", "external_id")


@admin.register(AlertSource)
class AlertSourceAdmin(admin.ModelAdmin):
    list_display = ("name", "establishment", "token_prefix", "is_active", "last_used_at")
    fields = ("establishment", "name", "is_active")
    readonly_fields = ()

    def get_readonly_fields(self, request, obj=None):
        return ("establishment", "name") if obj else ()

    def save_model(self, request, obj, form, change) -> None:
        if change:
            obj.save(update_fields=["is_active"])
            return
        source, token = alert_source_create(establishment=obj.establishment, name=obj.name)
        obj.pk = source.pk
        obj.token_hash, obj.token_prefix = source.token_hash, source.token_prefix
        messages.warning(request, _("Jeton de la source, affiché une seule fois : %(token)s") % {"token": token})

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

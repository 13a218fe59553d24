"""The beds' structure (rooms, beds) is kept in the admin; movements, patients and the access log are
read-only there: the state of a bed comes from its movements only (beds.services)."""

from django.contrib import admin

from .models import AccessLog, Bed, Movement, PendingSlip, Room

STATE = ("status", "admitted_at", "expected_discharge", "last_movement_at")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ("label", "unit", "establishment")
    list_filter = ("establishment", "unit")


@admin.register(Bed)
class BedAdmin(admin.ModelAdmin):
    list_display = ("label", "unit", "room", "kind", "row", "col", "is_closed", "status")
    list_filter = ("establishment", "unit", "kind", "is_closed", "status")
    search_fields = ("label",)
    readonly_fields = STATE
    exclude = ("patient",)  # patient references stay on the pages that log who sees them

    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not obj.movements.exists()


@admin.register(Movement)
class MovementAdmin(ReadOnlyAdmin):
    list_display = ("occurred_at", "kind", "bed", "to_bed", "source", "slip_number", "recorded_at", "author")
    list_filter = ("establishment", "kind", "source")
    exclude = ("patient",)  # patient references stay on the pages that log who sees them


@admin.register(PendingSlip)
class PendingSlipAdmin(ReadOnlyAdmin):
    list_display = ("number", "received_at", "movement")


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "what", "detail", "patients")
    list_filter = ("establishment", "what")

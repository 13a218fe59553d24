from django.contrib import admin

from .models import (
    Crisis,
    Decision,
    Establishment,
    Ght,
    JournalEntry,
    Meeting,
    Membership,
    RecordChange,
    RidaLine,
    Service,
    Shift,
)
from .services.records import record_create, record_update


class ViewOnlyAdmin(admin.ModelAdmin):
    """Records whose every change must go through the console's services (history, journal).

    The admin never bypasses a record's history: a model that keeps one is
    either read-only here or edited through the record kit (RecordKitAdmin).
    """

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordKitAdmin(admin.ModelAdmin):
    """A record with history edited in the admin through the record kit, like anywhere else.

    A change is diffed against the locked row, kept in the record's history
    (by the admin user, source "admin") and moves the record's live topic; a
    creation is recorded the same way. Nothing is deleted here. Use it for a
    record the services add no rule to; a record with rules (numbering, a
    journal entry) stays ViewOnlyAdmin and changes through its service.
    """

    def save_model(self, request, obj, form, change):
        if not change:
            record_create(instance=obj, by=request.user, source="admin")
            return
        concrete = {field.name for field in obj._meta.concrete_fields}
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in concrete}
        record_update(instance=obj, by=request.user, changes=changes, source="admin")

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceInline(admin.TabularInline):
    """The establishment's services and units: the one list procedures, beds, tickets and the directory use."""

    model = Service
    extra = 0
    fields = ["position", "name", "code", "kind", "has_beds", "location", "is_active"]


@admin.register(Ght)
class GhtAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "finess", "ght"]
    search_fields = ["name", "short_name", "finess"]
    inlines = [ServiceInline]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    """A service is deactivated rather than deleted once anything points at it (its procedures and beds protect it)."""

    list_display = ["name", "establishment", "code", "kind", "has_beds", "position", "is_active"]
    list_filter = ["establishment", "kind", "has_beds", "is_active"]
    list_editable = ["position", "is_active"]
    search_fields = ["name", "code"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "establishment", "role", "is_active"]
    list_filter = ["establishment", "role", "is_active"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(Crisis)
class CrisisAdmin(ViewOnlyAdmin):
    """Opening, editing, phase changes and closing go through the console, which journals them."""

    list_display = ["title", "establishment", "kind", "is_exercise", "phase", "detected_at", "closed_at"]
    list_filter = ["establishment", "kind", "is_exercise", "phase"]


@admin.register(RecordChange)
class RecordChangeAdmin(ViewOnlyAdmin):
    list_display = ["changed_at", "content_type", "object_id", "action", "changed_by"]
    list_filter = ["content_type", "action"]


@admin.register(Shift)
class ShiftAdmin(ViewOnlyAdmin):
    """Read-only: a shift starts, is handed over and ends through the roster, which journals each move."""

    list_display = ["crisis", "role", "holder", "deputy", "started_at", "ended_at"]
    list_filter = ["role"]


@admin.register(JournalEntry)
class JournalEntryAdmin(ViewOnlyAdmin):
    """Read-only: the main courante is append-only, including here."""

    list_display = ["crisis", "seq", "occurred_at", "kind", "priority", "recorded_by", "text"]
    list_filter = ["crisis", "kind", "priority"]
    search_fields = ["text", "sender", "recipient"]


@admin.register(RidaLine)
class RidaLineAdmin(ViewOnlyAdmin):
    """Read-only: a line changes through the console (numbering, history), and is abandoned, never deleted."""

    list_display = ["crisis", "seq", "kind", "theme", "status", "owner", "due_at"]
    list_filter = ["crisis", "kind", "status"]
    search_fields = ["text", "answer"]


@admin.register(Meeting)
class MeetingAdmin(ViewOnlyAdmin):
    list_display = ["crisis", "kind", "scheduled_at", "started_at", "ended_at", "overrun_minutes"]
    list_filter = ["crisis", "kind"]


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin):
    list_display = ["crisis", "gate", "occurred_at", "reassess_at", "decided_by"]
    list_filter = ["crisis", "gate"]

from django.contrib import admin

from .forms import ThrottledAdminLoginForm
from .models import Crisis, Establishment, Ght, JournalEntry, Membership, RecordChange, Shift


admin.site.login_form = ThrottledAdminLoginForm


@admin.register(Ght)
class GhtAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "finess", "ght"]
    search_fields = ["name", "short_name", "finess"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "establishment", "role", "is_active"]
    list_filter = ["establishment", "role", "is_active"]
    search_fields = ["user__username", "user__last_name"]


@admin.register(Crisis)
class CrisisAdmin(admin.ModelAdmin):
    list_display = ["title", "establishment", "kind", "is_exercise", "phase", "detected_at", "closed_at"]
    list_filter = ["establishment", "kind", "is_exercise", "phase"]

    # View only: opening, editing, phase changes and closing go through the console,
    # which keeps their history and writes them in the journal.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RecordChange)
class RecordChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "content_type", "object_id", "action", "changed_by"]
    list_filter = ["content_type", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ["crisis", "role", "holder", "deputy", "started_at", "ended_at"]
    list_filter = ["role"]


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """Read-only: the main courante is append-only, including here."""

    list_display = ["crisis", "seq", "occurred_at", "kind", "priority", "recorded_by", "text"]
    list_filter = ["crisis", "kind", "priority"]
    search_fields = ["text", "sender", "recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

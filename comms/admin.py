"""Read-only admin of comms: every write goes through comms.services (history, live topics, checks)."""

from django.contrib import admin

from crisis.admin import ViewOnlyAdmin

from .models import CallList, ContactLogEntry, DirectoryEntry, FlashInfo, Message, MessageTemplate

ReadOnly = ViewOnlyAdmin


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(ReadOnly):
    list_display = ["last_name", "first_name", "function", "service", "extension", "dect", "mobile", "establishment"]
    list_filter = ["establishment", "on_call", "is_external", "category"]
    search_fields = ["search_text"]
    list_select_related = ["service", "establishment"]


@admin.register(CallList)
class CallListAdmin(ReadOnly):
    list_display = ["title", "crisis", "status", "created_at"]


@admin.register(FlashInfo)
class FlashInfoAdmin(ReadOnly):
    list_display = ["number", "crisis", "status", "published_at"]


@admin.register(MessageTemplate)
class MessageTemplateAdmin(ReadOnly):
    list_display = ["title", "kind", "establishment"]


@admin.register(Message)
class MessageAdmin(ReadOnly):
    list_display = ["title", "kind", "crisis", "status", "published_at"]


@admin.register(ContactLogEntry)
class ContactLogEntryAdmin(ReadOnly):
    list_display = ["at", "who", "organisation", "topic", "crisis"]

from django.contrib import admin

from .models import DirectoryEntry


@admin.register(DirectoryEntry)
class DirectoryEntryAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "function",
        "service",
        "phone",
        "mobile",
        "bip",
        "on_call",
        "establishment",
    ]
    list_filter = ["establishment", "on_call"]
    search_fields = ["last_name", "first_name", "function", "service__name"]
    list_select_related = ["service", "establishment"]

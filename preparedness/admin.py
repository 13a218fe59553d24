"""Preparedness in the admin: read-only (every change goes through the services: history, journal, live topics)."""

from django.contrib import admin

from crisis.admin import ViewOnlyAdmin

from .models import Campaign, Exercise, Inject, ReadinessSnapshot


@admin.register(Exercise)
class ExerciseAdmin(ViewOnlyAdmin):
    list_display = ["crisis", "level", "started_at"]
    list_filter = ["level"]


@admin.register(Inject)
class InjectAdmin(ViewOnlyAdmin):
    list_display = ["crisis", "number", "offset_minutes", "sender", "delivered_at", "observation"]
    list_filter = ["observation"]


@admin.register(Campaign)
class CampaignAdmin(ViewOnlyAdmin):
    list_display = ["establishment", "date", "kind", "targeted", "clicked", "reported"]
    list_filter = ["establishment", "kind"]


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(ViewOnlyAdmin):
    list_display = ["establishment", "day", "score"]
    list_filter = ["establishment"]

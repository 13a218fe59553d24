"""Obligations, costs and RETEX in the admin: read-only (every change goes through the services: history, journal)."""

from django.contrib import admin

from crisis.admin import ViewOnlyAdmin

from .models import Cost, Obligation, Retex


@admin.register(Obligation)
class ObligationAdmin(ViewOnlyAdmin):
    list_display = ("crisis", "kind", "status", "done_at", "reference")
    list_filter = ("kind", "status")


@admin.register(Cost)
class CostAdmin(ViewOnlyAdmin):
    list_display = ("crisis", "date", "category", "amount", "supplier", "covered_by")
    list_filter = ("category", "covered_by")


@admin.register(Retex)
class RetexAdmin(ViewOnlyAdmin):
    list_display = ("crisis", "updated_at")

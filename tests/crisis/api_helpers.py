"""Helpers of the crisis API tests (their fixtures are in conftest.py)."""

from django.urls import reverse
from rest_framework.test import APIClient

from crisis import services


def as_user(api: APIClient, user) -> APIClient:
    api.force_login(user)  # session authentication, as the browser console does
    return api


def crisis_url(crisis) -> str:
    return reverse("crisis:api-crisis-detail", args=[crisis.pk])


def phase_url(crisis) -> str:
    return reverse("crisis:api-crisis-phase", args=[crisis.pk])


def journal_url(crisis) -> str:
    return reverse("crisis:api-journal-list", args=[crisis.pk])


def entry_url(entry) -> str:
    return reverse("crisis:api-journal-entry", args=[entry.crisis_id, entry.pk])


def append(crisis, by, text="Le laboratoire signale des fichiers chiffrés.", **fields):
    return services.journal_append(crisis=crisis, by=by, text=text, **fields)

"""Tickets' personas, on top of the core's (tests/conftest.py):

- nurse: a unit's nurse (direction des soins role here): files signalements, triages nothing she need not.
- dsi: the DSI, triages tickets and alerts, sees the alert banner.
- rssi: the RSSI, sees the alert banner.
Plus director, scribe, observer (read-only), outsider (another establishment), from the core.
"""

import pytest
from rest_framework.test import APIClient

from crisis.models import Membership, Role
from tests.conftest import make_user
from tickets import services
from tickets.models import Ticket


@pytest.fixture
def nurse(establishment):
    user = make_user("nurse", "Inès", "Infirmière")
    Membership.objects.create(user=user, establishment=establishment, role=Role.SOINS)
    return user


@pytest.fixture
def dsi(establishment):
    user = make_user("dsi", "Denis", "Informaticien")
    Membership.objects.create(user=user, establishment=establishment, role=Role.DSI)
    return user


@pytest.fixture
def rssi(establishment):
    user = make_user("rssi", "Rose", "Sécurité")
    Membership.objects.create(user=user, establishment=establishment, role=Role.RSSI)
    return user


@pytest.fixture
def ticket(crisis, establishment, nurse):
    return services.ticket_create(
        establishment=establishment,
        by=nurse,
        reporter_name="Inès Infirmière",
        reporter_service="Urgences",
        reporter_phone="4412",
        category=Ticket.Category.APPLICATION,
        application_name="DPI",
        description="Le DPI ne répond plus aux urgences.",
        patient_safety=True,
    )


@pytest.fixture
def source(establishment):
    return services.alert_source_create(establishment=establishment, name="SOC Régional")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def source_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client

"""What the crisis API tests share: an API client, who it is logged in as, the addresses."""

import pytest
from rest_framework.test import APIClient

from crisis import services


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def other_crisis(other_establishment, outsider):
    return services.crisis_create(establishment=other_establishment, by=outsider, title="Panne du DPI")

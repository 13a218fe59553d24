"""Named personas, each with one line saying what it may do.

- director: directeur de crise, may do everything in CH-A.
- scribe: secrétaire de main courante, writes the journal of CH-A.
- observer: observateur (ARS), reads CH-A and writes nothing.
- pris: incident-response provider (expert externe) in CH-A: reads and writes the journal, decides nothing.
- outsider: directeur of another establishment (CH-B): sees nothing of CH-A.

kit_data: two published degraded procedures and twenty directory entries in CH-A.
"""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache, caches

from comms.models import DirectoryEntry
from continuity import services as continuity_services
from crisis import services
from crisis.models import Establishment, Ght, Membership, Role, Service
from web import fragments

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    caches["fragments"].clear()
    fragments.shared.down_until = 0.0  # a test's failing shared cache is not the next one's
    yield
    cache.clear()


def image_bytes(format: str = "PNG", color: str = "white") -> bytes:
    """A real picture (attachments are opened with Pillow): a tiny photo of a paper note."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), color).save(buffer, format=format)
    return buffer.getvalue()


def pdf_bytes() -> bytes:
    """A real one-page PDF."""
    from pypdf import PdfWriter

    writer, buffer = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(buffer)
    return buffer.getvalue()


def make_user(username: str, first: str = "", last: str = ""):
    return get_user_model().objects.create_user(username, password=PASSWORD, first_name=first, last_name=last)


@pytest.fixture
def ght(db):
    return Ght.objects.create(name="GHT Test")


@pytest.fixture
def establishment(ght):
    return Establishment.objects.create(name="Centre hospitalier A", short_name="CH-A", ght=ght)


@pytest.fixture
def other_establishment(ght):
    return Establishment.objects.create(name="Centre hospitalier B", short_name="CH-B", ght=ght)


@pytest.fixture
def director(establishment):
    user = make_user("director", "Claire", "Directrice")
    Membership.objects.create(user=user, establishment=establishment, role=Role.DIRECTEUR)
    return user


@pytest.fixture
def scribe(establishment):
    user = make_user("scribe", "Sam", "Secrétaire")
    Membership.objects.create(user=user, establishment=establishment, role=Role.SECRETAIRE)
    return user


@pytest.fixture
def observer(establishment):
    user = make_user("observer", "Olga", "Observatrice")
    Membership.objects.create(user=user, establishment=establishment, role=Role.OBSERVATEUR)
    return user


@pytest.fixture
def pris(establishment):
    user = make_user("pris", "Paul", "Prestataire")
    Membership.objects.create(user=user, establishment=establishment, role=Role.EXPERT, position="PRIS")
    return user


@pytest.fixture
def outsider(other_establishment):
    user = make_user("outsider", "Otto", "Extérieur")
    Membership.objects.create(user=user, establishment=other_establishment, role=Role.DIRECTEUR)
    return user


@pytest.fixture
def crisis(establishment, director):
    return services.crisis_create(establishment=establishment, by=director, title="Rançongiciel de nuit")


@pytest.fixture
def exercise(establishment, director):
    return services.crisis_create(
        establishment=establishment, by=director, title="Exercice annuel", kind="exercice", is_exercise=True
    )


def login(client, user):
    client.force_login(user)
    return client


# --- a small paper kit's worth of the apps' data (procedures, beds, directory) ---------


@pytest.fixture
def procedures(establishment, director):
    """Two published procedures (version 1), one for the laboratory and one for the emergency department."""
    body = (
        "## Déclenchement\nSur décision de l'administrateur de garde.\n\n"
        "- Sortir les classeurs de fiches papier.\n- Prévenir le standard.\n\n"
        "Les résultats partent par coursier toutes les 30 minutes."
    )
    return [
        continuity_services.procedure_create_published(
            establishment=establishment,
            by=director,
            service=services.service_named(establishment=establishment, name=service),
            title=f"Sans DPI — {service}",
            owner="Dr Martin",
            body=body,
            review_due=date(2027, 3, 1),
        )
        for service in ("Laboratoire", "Urgences")
    ]


@pytest.fixture
def directory(establishment):
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    return [
        DirectoryEntry.objects.create(
            establishment=establishment,
            last_name=f"Nom{i:03d}",
            first_name="Marie",
            function="Infirmière",
            service=urgences,
            direct_line="01 23 45 67 89",
            mobile="" if i % 3 else "06 12 34 56 78",
            dect="4321",
            on_call=i % 7 == 0,
        )
        for i in range(20)
    ]


@pytest.fixture
def kit_data(procedures, directory):
    return {"procedures": procedures, "directory": directory}

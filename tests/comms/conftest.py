"""Fixtures of the comms tests: a small directory, Gammu's SMS daemon on its dummy driver.

Personas (tests/conftest.py): director publishes (PUBLISH_COMMS) and imports (ADMINISTER); scribe works
call lists, drafts and logs (WRITE_JOURNAL) but does not publish; observer (ARS) reads only; outsider
belongs to another establishment.
"""

import shutil
import subprocess
import time
from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from comms import services, sms
from crisis.models import Service

GAMMU = shutil.which("gammu-smsd") and shutil.which("gammu-smsd-inject")
needs_gammu = pytest.mark.skipif(not GAMMU, reason="Debian's gammu-smsd is not installed")


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def url(name: str, *args) -> str:
    return reverse(f"comms:{name}", args=args)


@pytest.fixture
def people(establishment, director):
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    labo = Service.objects.get(establishment=establishment, name="Laboratoire")
    rows = [
        ("Lefèvre", "Éric", "Infirmier", urgences, "06 12 34 56 01", "Directeur de crise"),
        ("Carpentier", "Inès", "Pharmacienne", labo, "06 12 34 56 02", ""),
        ("Çelik", "Ayşe", "Biologiste", labo, "", ""),
        ("Dupont", "Marie", "Aide-soignante", urgences, "06 12 34 56 04", ""),
        ("Martin", "Paul", "Chef de service", urgences, "06 12 34 56 05", "DSI"),
    ]
    created = [
        services.entry_create(
            establishment=establishment,
            by=director,
            last_name=last,
            first_name=first,
            function=function,
            service=service,
            mobile=mobile,
            crisis_role=role,
            checked_at=date.today(),
        )
        for last, first, function, service, mobile, role in rows
    ]
    created.append(
        services.entry_create(
            establishment=establishment,
            by=director,
            last_name="Permanence",
            organisation="CERT Santé",
            category="cert_sante",
            direct_line="09 72 43 91 25",
            call_for="Signaler l'incident",
        )
    )
    return created


@pytest.fixture
def spool(tmp_path, settings):
    """An SMS gateway folder of its own, configured on Gammu's dummy driver."""
    settings.COMMS_SMS_DIR = str(tmp_path / "sms")
    settings.COMMS_SMS_GATEWAY = "gammu"
    sms.ensure_spool()
    return tmp_path / "sms"


def run_daemon(spool, *, received: int = 0, timeout: float = 30.0) -> None:
    """Run gammu-smsd on its dummy phone until it has sent its whole outbox and filed `received` messages
    in its inbox (about a second a message)."""
    process = subprocess.Popen(
        ["gammu-smsd", "-c", str(spool / "smsdrc")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if not any((spool / "outbox").iterdir()) and len(list((spool / "inbox").iterdir())) >= received:
                break
            time.sleep(0.3)
    finally:
        process.terminate()
        process.wait(timeout=10)


def phone_receives(spool, number: str, text: str, index: int = 1) -> None:
    """A reply arriving on the dummy phone (Gammu's backup format: the text in UCS-2 hex)."""
    hex_text = "".join(f"{ord(c):04X}" for c in text)
    (spool / "dummy" / "sms" / "1" / str(index)).write_text(
        "[SMSBackup000]\n"
        'SMSC = "+33609001390"\n'
        "State = UnRead\n"
        f'Number = "{number}"\n'
        "Coding = Unicode\n"
        "Folder = 1\n"
        f"Length = {len(text)}\n"
        "Class = -1\n"
        f"Text00 = {hex_text}\n"
    )

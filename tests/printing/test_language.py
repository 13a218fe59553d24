"""Documents come back in the language they were requested in; job titles read in the reader's."""

import io
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import strip_tags
from pypdf import PdfReader

from printing import services, tasks
from printing.models import PrintJob
from tests.conftest import login

MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


@pytest.fixture(autouse=True)
def _french_afterwards():
    yield
    translation.activate(settings.LANGUAGE_CODE)


def text_of(job: PrintJob) -> str:
    with job.file.open("rb") as pdf:
        return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read())).pages)


def test_a_pdf_requested_in_english_comes_back_in_english(crisis, director, sent):
    with translation.override("en"):
        english = services.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
    french = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
    )
    for job in (english, french):
        tasks.render_print_job(job.pk)
        job.refresh_from_db()
    assert english.language == "en" and french.language == "fr"
    assert "Crisis log" in text_of(english) and "Main courante" not in text_of(english)
    # Dates too: the month spelled out in English (06/12 would read June 12), French unchanged.
    assert re.search(r"generated on \d{1,2} [A-Z][a-z]{2} \d{4} at \d\d:\d\d", text_of(english))
    assert "Main courante" in text_of(french) and re.search(r"généré le \d\d/\d\d/\d{4} à", text_of(french))
    assert (
        english.plan[0]["chunks"][0]["part"] != french.plan[0]["chunks"][0]["part"]
    )  # not the French part served again: the language is in the fingerprint


def test_job_titles_read_in_the_readers_language(client, crisis, director, sent):
    job = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
    )
    assert job.titles == {"fr": "Main courante — Rançongiciel de nuit", "en": "Crisis log — Rançongiciel de nuit"}
    login(client, director)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("printing:print-jobs")).content.decode()
    assert "Crisis log — Rançongiciel de nuit" in page and "Main courante — " not in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    assert (
        "Main courante — Rançongiciel de nuit"
        in client.get(reverse("printing:print-job", args=[job.pk])).content.decode()
    )


def test_a_kit_requested_in_english_is_in_english_and_the_nightly_one_in_french(
    establishment, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        english = services.kit_build(establishment=establishment, by=director)
    with django_capture_on_commit_callbacks(execute=True):
        (nightly,) = services.kit_build_all()
    english.refresh_from_db()
    nightly.refresh_from_db()
    assert english.status == nightly.status == PrintJob.Status.DONE
    assert "Contents" in text_of(english) and "Sommaire" not in text_of(english)
    assert "Sommaire" in text_of(nightly) and nightly.language == "fr"


def test_the_kit_date_reads_in_the_readers_words(
    client, crisis, director, kit_data, inline_worker, django_capture_on_commit_callbacks
):
    """French "généré le 02/12/2026 à 19:45", English "generated on 2 Dec 2026 at 19:45": no "à" left over."""
    establishment = crisis.establishment
    with django_capture_on_commit_callbacks(execute=True):
        kit = services.kit_build(establishment=establishment, by=director)
    kit.refresh_from_db()
    at = timezone.localtime(kit.finished_at)
    login(client, director)
    # The kit page's card, and the one-line card of an open crisis's dashboard.
    for url in (reverse("printing:paper-kit", args=[establishment.pk]), reverse("crisis:dashboard", args=[crisis.pk])):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
        french = strip_tags(client.get(url).content.decode())
        assert f"généré le {at:%d/%m/%Y} à {at:%H:%M}" in french, url
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = strip_tags(client.get(url).content.decode())
        assert f"generated on {at.day} {MONTHS[at.month - 1]} {at:%Y} at {at:%H:%M}" in english, url
        assert " à " not in english, url

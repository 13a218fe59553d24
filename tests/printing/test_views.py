"""Print pages. Personas: director and scribe may print; observer only reads (403 on writes); outsider sees nothing (404)."""

import pytest
from django.urls import reverse

from continuity import services, tasks
from continuity.models import PrintJob
from continuity.printing import registry
from tests.conftest import login

Status = PrintJob.Status


@pytest.fixture
def done_job(crisis, director, sent):
    job = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
    )
    tasks.render_print_job(job.pk)
    job.refresh_from_db()
    return job


# --- the crisis's print page and the journal button ---------------------------------------


def test_the_crisis_print_page_offers_the_journal(client, crisis, director):
    response = login(client, director).get(reverse("crisis-prints", args=[crisis.pk]))
    assert response.status_code == 200
    assert "Imprimer la main courante" in response.content.decode()


def test_printing_the_journal_records_a_job_and_redirects_to_it(
    client, crisis, scribe, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, scribe).post(reverse("crisis-print-journal", args=[crisis.pk]))
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("print-job", args=[job.pk])
    assert job.requested_by == scribe and job.crisis == crisis and sent == [("render_print_job", job.pk)]


def test_an_observer_cannot_print(client, crisis, observer):
    assert login(client, observer).post(reverse("crisis-print-journal", args=[crisis.pk])).status_code == 403
    assert not PrintJob.objects.exists()


def test_an_outsider_cannot_print_or_see_the_page(client, crisis, outsider):
    login(client, outsider)
    assert client.post(reverse("crisis-print-journal", args=[crisis.pk])).status_code == 404
    assert client.get(reverse("crisis-prints", args=[crisis.pk])).status_code == 404


def test_printing_wants_a_post(client, crisis, director):
    assert login(client, director).get(reverse("crisis-print-journal", args=[crisis.pk])).status_code == 405


def test_anonymous_users_go_to_login(client, crisis, done_job):
    for url in (
        reverse("print-jobs"),
        reverse("print-job", args=[done_job.pk]),
        reverse("print-job-download", args=[done_job.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response.url


def test_anonymous_users_go_to_login_whatever_the_method(client, crisis, establishment):
    """Login first, then the method: an anonymous visitor learns nothing from a 405 (as in crisis/views.py)."""
    for method, url in [
        ("post", reverse("print-jobs")),
        ("post", reverse("paper-kit", args=[establishment.pk])),
        ("get", reverse("crisis-print-journal", args=[crisis.pk])),
        ("get", reverse("paper-kit-build", args=[establishment.pk])),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("login") in response.url, (method, url)


# --- the job page, its polling, the download ------------------------------------------------


def test_the_job_page_polls_while_pending(client, crisis, director, sent):
    job = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
    )
    login(client, director)
    page = client.get(reverse("print-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Actualiser" in page
    fragment = client.get(reverse("print-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


def test_the_job_page_stops_polling_when_done(client, director, done_job):
    login(client, director)
    fragment = client.get(reverse("print-job", args=[done_job.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 286  # htmx: swap this, then stop polling
    body = fragment.content.decode()
    assert "hx-get" not in body and reverse("print-job-download", args=[done_job.pk]) in body


def test_a_failed_job_shows_its_error(client, director, done_job):
    PrintJob.objects.filter(pk=done_job.pk).update(status=Status.FAILED, error="Plus de papier.")
    page = login(client, director).get(reverse("print-job", args=[done_job.pk])).content.decode()
    assert "Plus de papier." in page


def test_members_download_the_pdf(client, observer, done_job):
    response = login(client, observer).get(reverse("print-job-download", args=[done_job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]


def test_an_outsider_gets_404_on_the_job_and_its_file(client, outsider, done_job):
    login(client, outsider)
    assert client.get(reverse("print-job", args=[done_job.pk])).status_code == 404
    assert client.get(reverse("print-job-download", args=[done_job.pk])).status_code == 404


def test_a_pending_job_has_nothing_to_download(client, director, done_job):
    PrintJob.objects.filter(pk=done_job.pk).update(status=Status.RUNNING)
    assert login(client, director).get(reverse("print-job-download", args=[done_job.pk])).status_code == 404


def test_part_jobs_are_not_pages(client, director, done_job):
    part = PrintJob.objects.create(establishment=done_job.establishment, parent=done_job, kind="part", title="x")
    assert login(client, director).get(reverse("print-job", args=[part.pk])).status_code == 404


def test_my_prints_lists_my_jobs_only(client, director, scribe, done_job):
    assert done_job.title in login(client, director).get(reverse("print-jobs")).content.decode()
    assert done_job.title not in login(client, scribe).get(reverse("print-jobs")).content.decode()


# --- the paper kit page --------------------------------------------------------------------


def test_the_kit_page_shows_documents_and_freshness(client, establishment, director, kit_data):
    page = login(client, director).get(reverse("paper-kit", args=[establishment.pk])).content.decode()
    assert "Annuaire de crise" in page and "Procédures dégradées — Urgences" in page
    assert "jamais été imprimé" in page and "Imprimer le kit complet" in page


def test_the_kit_page_is_for_members(client, establishment, outsider, observer, kit_data):
    assert login(client, outsider).get(reverse("paper-kit", args=[establishment.pk])).status_code == 404
    page = login(client, observer).get(reverse("paper-kit", args=[establishment.pk])).content.decode()
    assert "Imprimer le kit complet" not in page


@pytest.mark.parametrize("name", ["paper-kit-build", "paper-kit-bundle", "paper-kit-document"])
def test_kit_writes_refuse_observers_outsiders_and_get(
    client, establishment, observer, outsider, director, kit_data, name
):
    url = reverse(name, args=[establishment.pk])
    assert login(client, observer).post(url).status_code == 403
    assert login(client, outsider).post(url).status_code == 404
    assert login(client, director).get(url).status_code == 405
    assert not PrintJob.objects.exists()


def test_building_the_kit_redirects_to_its_job(client, establishment, director, kit_data, sent):
    response = login(client, director).post(reverse("paper-kit-build", args=[establishment.pk]))
    job = PrintJob.objects.get()
    assert job.kind == "kit" and response.url == reverse("print-job", args=[job.pk])


def test_reprinting_unknown_documents_is_refused_with_a_message(client, establishment, director, kit_data, sent):
    response = login(client, director).post(reverse("paper-kit-build", args=[establishment.pk]), {"only": ["zzz"]})
    assert response.status_code == 302 and response.url == reverse("paper-kit", args=[establishment.pk])
    assert not PrintJob.objects.exists()
    page = client.get(response.url).content.decode()
    assert "Document inconnu dans ce kit." in page


def test_one_document_of_the_kit_alone(client, establishment, director, kit_data, sent):
    item = next(i for i in registry.kit_items(establishment) if i.document == "procedures")
    response = login(client, director).post(reverse("paper-kit-document", args=[establishment.pk]), {"item": item.key})
    job = PrintJob.objects.get()
    assert response.url == reverse("print-job", args=[job.pk])
    assert job.document == "procedures" and job.params == item.params
    bad = client.post(reverse("paper-kit-document", args=[establishment.pk]), {"item": "nope"})
    assert bad.status_code == 302 and PrintJob.objects.count() == 1


def test_the_bundle_button(client, establishment, director, kit_data, sent):
    login(client, director).post(reverse("paper-kit-bundle", args=[establishment.pk]))
    assert PrintJob.objects.get().kind == "bundle"


def test_the_freshness_tag_renders_for_the_dashboard(rf, establishment, director, kit_data):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = director
    html = Template("{% load continuity %}{% kit_freshness establishment %}").render(
        Context({"request": request, "establishment": establishment})
    )
    assert "jamais été imprimé" in html and reverse("paper-kit", args=[establishment.pk]) in html


def render_freshness(rf, user, source="{% kit_freshness establishment %}", **context):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = user
    return Template("{% load continuity %}" + source).render(Context({"request": request, **context}))


def membership_queries(queries) -> list[str]:
    from crisis.models import Membership

    return [q["sql"] for q in queries if Membership._meta.db_table in q["sql"]]


def test_the_freshness_tag_uses_the_membership_of_the_context(rf, establishment, director, kit_data):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    membership = director.memberships.get(establishment=establishment)
    with CaptureQueriesContext(connection) as queries:
        html = render_freshness(rf, director, establishment=establishment, membership=membership)
    assert "Imprimer seulement ces documents" in html
    assert membership_queries(queries.captured_queries) == []  # the dashboard's, not looked up again
    with CaptureQueriesContext(connection) as queries:
        html = render_freshness(
            rf, director, "{% kit_freshness establishment mine %}", establishment=establishment, mine=membership
        )
    assert "Imprimer seulement ces documents" in html and membership_queries(queries.captured_queries) == []


def test_the_freshness_tag_ignores_a_membership_that_is_not_the_users_here(
    rf, establishment, other_establishment, director, observer, outsider, kit_data
):
    # The outsider directs CH-B: their membership says nothing of CH-A.
    elsewhere = outsider.memberships.get(establishment=other_establishment)
    assert "Imprimer seulement ces documents" not in render_freshness(
        rf, outsider, establishment=establishment, membership=elsewhere
    )
    # Someone else's membership in the context (a page about another member) is not the user's.
    directors = director.memberships.get(establishment=establishment)
    assert "Imprimer seulement ces documents" not in render_freshness(
        rf, observer, establishment=establishment, membership=directors
    )
    # Without a usable one, the tag looks the user's up.
    assert "Imprimer seulement ces documents" in render_freshness(
        rf, director, establishment=establishment, membership=elsewhere
    )

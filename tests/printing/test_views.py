"""Print pages. Personas: director and scribe may print; observer only reads (403 on writes); outsider sees nothing (404)."""

import pytest
from django.urls import reverse

from printing import registry, services, tasks
from printing.models import PrintJob
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


def journal_url(crisis) -> str:
    return reverse("printing:crisis-document-print", args=[crisis.pk, "journal"])


def test_the_crisis_print_page_offers_the_journal_through_the_generic_url(client, crisis, director):
    response = login(client, director).get(reverse("printing:crisis-prints", args=[crisis.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Main courante" in page and f'action="{journal_url(crisis)}"' in page


def test_a_document_about_one_meeting_is_offered_from_the_meetings_not_as_a_bare_button(client, crisis, director):
    page = login(client, director).get(reverse("printing:crisis-prints", args=[crisis.pk])).content.decode()
    releve_url = reverse("printing:crisis-document-print", args=[crisis.pk, "meeting_releve"])
    assert "Relevé de point de situation" in page and releve_url not in page
    assert f'href="{reverse("crisis:meetings", args=[crisis.pk])}"' in page


def test_the_journal_page_has_the_print_button(client, crisis, director, observer):
    page = login(client, director).get(reverse("crisis:journal", args=[crisis.pk])).content.decode()
    assert f'action="{journal_url(crisis)}"' in page and "Imprimer la main courante (PDF)" in page
    page = login(client, observer).get(reverse("crisis:journal", args=[crisis.pk])).content.decode()
    assert journal_url(crisis) not in page  # an observer may not print: no button


def test_printing_the_journal_records_a_job_and_redirects_to_it(
    client, crisis, scribe, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = login(client, scribe).post(journal_url(crisis))
    job = PrintJob.objects.get()
    assert response.status_code == 302 and response.url == reverse("printing:print-job", args=[job.pk])
    assert job.requested_by == scribe and job.crisis == crisis and sent == [("render_print_job", job.pk)]
    assert job.document == "journal" and job.params == {"crisis_id": crisis.pk}


def test_the_generic_url_shows_the_form_of_a_document_without_parameters(client, crisis, director):
    response = login(client, director).get(journal_url(crisis))
    assert response.status_code == 200 and "Ce document ne prend pas de paramètre." in response.content.decode()
    assert not PrintJob.objects.exists()  # a GET requests nothing


def test_an_observer_cannot_print(client, crisis, observer):
    assert login(client, observer).post(journal_url(crisis)).status_code == 403
    assert login(client, observer).get(journal_url(crisis)).status_code == 403
    assert not PrintJob.objects.exists()


def test_an_outsider_cannot_print_or_see_the_page(client, crisis, outsider):
    login(client, outsider)
    assert client.post(journal_url(crisis)).status_code == 404
    assert client.get(reverse("printing:crisis-prints", args=[crisis.pk])).status_code == 404
    assert not PrintJob.objects.exists()


def test_the_generic_url_refuses_other_methods(client, crisis, establishment, director):
    login(client, director)
    assert client.put(journal_url(crisis)).status_code == 405
    assert (
        client.delete(reverse("printing:establishment-document-print", args=[establishment.pk, "kit"])).status_code
        == 405
    )


def test_an_unknown_document_or_one_of_the_other_scope_is_a_404(client, crisis, establishment, director):
    login(client, director)
    assert client.post(reverse("printing:crisis-document-print", args=[crisis.pk, "nope"])).status_code == 404
    assert client.post(reverse("printing:crisis-document-print", args=[crisis.pk, "kit"])).status_code == 404
    assert (
        client.post(reverse("printing:establishment-document-print", args=[establishment.pk, "journal"])).status_code
        == 404
    )
    assert not PrintJob.objects.exists()


def test_a_document_with_parameters_shows_their_form_and_refuses_bad_ones(
    client, establishment, director, kit_data, sent
):
    url = reverse("printing:establishment-document-print", args=[establishment.pk, "procedures"])
    login(client, director)
    form = client.get(url).content.decode()
    assert 'name="service"' in form and "Urgences" in form and "Laboratoire" in form
    bad = client.post(url, {"service": "Inconnu"})
    assert bad.status_code == 400 and "Aucune procédure pour ce service." in bad.content.decode()
    assert not PrintJob.objects.exists()
    good = client.post(url, {"service": "Urgences"})
    job = PrintJob.objects.get()
    assert good.url == reverse("printing:print-job", args=[job.pk]) and job.params == {"service": "Urgences"}


def test_the_print_button_links_to_the_form_when_parameters_are_missing(rf, establishment, director, kit_data):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = director
    source = '{% load printing %}{% print_button "procedures" establishment %}|{% print_button "procedures" establishment service="Urgences" %}'
    html = Template(source).render(Context({"request": request, "establishment": establishment}))
    to_form, with_service = html.split("|")
    url = reverse("printing:establishment-document-print", args=[establishment.pk, "procedures"])
    assert f'<a class="button" href="{url}">' in to_form and "<form" not in to_form
    assert f'action="{url}"' in with_service and 'name="service" value="Urgences"' in with_service


def test_anonymous_users_go_to_login(client, crisis, done_job):
    for url in (
        reverse("printing:print-jobs"),
        reverse("printing:print-job", args=[done_job.pk]),
        reverse("printing:print-job-download", args=[done_job.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("web:login") in response.url


def test_anonymous_users_go_to_login_whatever_the_method(client, crisis, establishment):
    """Login first, then the method: an anonymous visitor learns nothing from a 405 (as in crisis/views.py)."""
    for method, url in [
        ("post", reverse("printing:print-jobs")),
        ("post", reverse("printing:paper-kit", args=[establishment.pk])),
        ("put", reverse("printing:crisis-document-print", args=[crisis.pk, "journal"])),
        ("get", reverse("printing:establishment-document-print", args=[establishment.pk, "kit"])),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302 and reverse("web:login") in response.url, (method, url)


# --- the job page, its polling, the download ------------------------------------------------


def test_the_job_page_polls_while_pending(client, crisis, director, sent):
    job = services.print_job_request(
        establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
    )
    login(client, director)
    page = client.get(reverse("printing:print-job", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "Actualiser" in page
    fragment = client.get(reverse("printing:print-job", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()


def test_the_job_page_stops_polling_when_done(client, director, done_job):
    login(client, director)
    fragment = client.get(reverse("printing:print-job", args=[done_job.pk]), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 286  # htmx: swap this, then stop polling
    body = fragment.content.decode()
    assert "hx-get" not in body and reverse("printing:print-job-download", args=[done_job.pk]) in body


def test_a_failed_job_shows_its_error(client, director, done_job):
    PrintJob.objects.filter(pk=done_job.pk).update(status=Status.FAILED, error="Plus de papier.")
    page = login(client, director).get(reverse("printing:print-job", args=[done_job.pk])).content.decode()
    assert "Plus de papier." in page


def test_members_download_the_pdf(client, observer, done_job):
    response = login(client, observer).get(reverse("printing:print-job-download", args=[done_job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert "no-store" in response["Cache-Control"]


def test_an_outsider_gets_404_on_the_job_and_its_file(client, outsider, done_job):
    login(client, outsider)
    assert client.get(reverse("printing:print-job", args=[done_job.pk])).status_code == 404
    assert client.get(reverse("printing:print-job-download", args=[done_job.pk])).status_code == 404


def test_a_pending_job_has_nothing_to_download(client, director, done_job):
    PrintJob.objects.filter(pk=done_job.pk).update(status=Status.RUNNING)
    assert login(client, director).get(reverse("printing:print-job-download", args=[done_job.pk])).status_code == 404


def test_part_jobs_are_not_pages(client, director, done_job):
    part = PrintJob.objects.create(establishment=done_job.establishment, parent=done_job, document="journal", title="x")
    assert login(client, director).get(reverse("printing:print-job", args=[part.pk])).status_code == 404


def test_my_prints_lists_my_jobs_only(client, director, scribe, done_job):
    assert done_job.title in login(client, director).get(reverse("printing:print-jobs")).content.decode()
    assert done_job.title not in login(client, scribe).get(reverse("printing:print-jobs")).content.decode()


# --- the paper kit page --------------------------------------------------------------------


def kit_url(establishment, document="kit") -> str:
    return reverse("printing:establishment-document-print", args=[establishment.pk, document])


def test_the_kit_page_shows_documents_and_freshness(client, establishment, director, kit_data):
    page = login(client, director).get(reverse("printing:paper-kit", args=[establishment.pk])).content.decode()
    assert "Annuaire de crise" in page and "Procédures dégradées — Urgences" in page
    assert "jamais été généré" in page and "Générer le kit complet" in page
    assert f'action="{kit_url(establishment)}"' in page and f'action="{kit_url(establishment, "bundle")}"' in page


def test_the_kit_page_is_for_members(client, establishment, outsider, observer, kit_data):
    assert login(client, outsider).get(reverse("printing:paper-kit", args=[establishment.pk])).status_code == 404
    page = login(client, observer).get(reverse("printing:paper-kit", args=[establishment.pk])).content.decode()
    assert "Générer le kit complet" not in page and "ne permet pas de lancer une impression" in page


def test_the_kit_and_print_pages_keep_the_tabs_of_the_open_crisis(client, establishment, crisis, director, done_job):
    login(client, director)
    for url in (
        reverse("printing:paper-kit", args=[establishment.pk]),
        reverse("printing:print-job", args=[done_job.pk]),
    ):
        page = client.get(url).content.decode()
        assert 'class="tabs"' in page and reverse("crisis:journal", args=[crisis.pk]) in page, url


@pytest.mark.parametrize("document", ["kit", "bundle", "procedures"])
def test_kit_writes_refuse_observers_outsiders_and_other_methods(
    client, establishment, observer, outsider, director, kit_data, document
):
    url = kit_url(establishment, document)
    assert login(client, observer).post(url, {"service": "Urgences"}).status_code == 403
    assert login(client, outsider).post(url, {"service": "Urgences"}).status_code == 404
    assert login(client, director).patch(url).status_code == 405
    assert not PrintJob.objects.exists()


def test_building_the_kit_redirects_to_its_job(client, establishment, director, kit_data, sent):
    response = login(client, director).post(kit_url(establishment))
    job = PrintJob.objects.get()
    assert job.document == "kit" and job.params == {} and response.url == reverse("printing:print-job", args=[job.pk])


def test_reprinting_some_documents_only(client, establishment, director, kit_data, sent):
    keys = [i.key for i in registry.kit_items(establishment)][:2]
    login(client, director).post(kit_url(establishment), {"only": keys})
    assert PrintJob.objects.get().params == {"only": sorted(keys)}


def test_reprinting_unknown_documents_is_refused_with_a_message(client, establishment, director, kit_data, sent):
    response = login(client, director).post(kit_url(establishment), {"only": ["zzz"]})
    assert response.status_code == 400 and "Document inconnu dans ce kit." in response.content.decode()
    assert not PrintJob.objects.exists()


def test_one_document_of_the_kit_alone(client, establishment, director, kit_data, sent):
    item = next(i for i in registry.kit_items(establishment) if i.document == "procedures")
    page = login(client, director).get(reverse("printing:paper-kit", args=[establishment.pk])).content.decode()
    assert f'action="{kit_url(establishment, "procedures")}"' in page  # its "Imprimer seul" button
    response = client.post(kit_url(establishment, "procedures"), item.params)
    job = PrintJob.objects.get()
    assert response.url == reverse("printing:print-job", args=[job.pk])
    assert job.document == "procedures" and job.params == item.params


def test_the_bundle_button(client, establishment, director, kit_data, sent):
    login(client, director).post(kit_url(establishment, "bundle"))
    assert PrintJob.objects.get().document == "bundle"


def test_the_freshness_tag_renders_for_the_dashboard(rf, establishment, director, kit_data):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = director
    html = Template("{% load printing %}{% kit_freshness establishment %}").render(
        Context({"request": request, "establishment": establishment})
    )
    assert "jamais été généré" in html and reverse("printing:paper-kit", args=[establishment.pk]) in html


def render_freshness(rf, user, source="{% kit_freshness establishment %}", **context):
    from django.template import Context, Template

    request = rf.get("/")
    request.user = user
    return Template("{% load printing %}" + source).render(Context({"request": request, **context}))


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

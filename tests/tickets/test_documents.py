"""Tickets' printable documents: the blank signalement form, in every kit."""

from printing import registry
from tests.printing.conftest import inline_worker  # noqa: F401 — the print pipeline's worker, inline


def test_tickets_declares_its_documents_in_its_documents_module():
    declared = {d.name for d in registry.all_documents() if type(d).__module__ == "tickets.documents"}
    assert declared == {"signalement_form", "alerts_monthly_report"}


def test_the_signalement_form_is_in_an_empty_establishment_s_kit(establishment):
    assert "signalement_form" in [i.document for i in registry.kit_items(establishment)]


def test_the_monthly_alerts_report_prints_with_its_figures_and_chart(
    establishment,
    director,
    inline_worker,  # noqa: F811 — the fixture imported above
    django_capture_on_commit_callbacks,
):
    import io

    from django.utils import timezone
    from pypdf import PdfReader

    from printing import services as printing_services
    from tickets import services

    source, _token = services.alert_source_create(establishment=establishment, name="EDR")
    services.alert_ingest(
        source=source,
        external_id="1",
        severity="critique",
        title="Chiffrement",
        detected_at=timezone.now(),
        host="PC-1",
    )
    month = timezone.localtime().strftime("%Y-%m")
    with django_capture_on_commit_callbacks(execute=True):
        job = printing_services.print_job_request(
            establishment=establishment, by=director, document="alerts_monthly_report", params={"month": month}
        )
    job.refresh_from_db()
    assert job.status == "done", job.error
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Rapport mensuel des alertes SOC/EDR" in text and "PC-1" in text and "critique" in text

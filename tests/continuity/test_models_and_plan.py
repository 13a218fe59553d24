"""Procedures (versions, publication, gaps, sanitising), the restart plan, statuses, the re-entry backlog,
import and export: the services and selectors, without pages."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from continuity import exchange, selectors, services
from continuity.markdown import render_markdown
from continuity.models import Application, ApplicationStatus, Procedure, ProcedureVersion
from crisis.models import JournalEntry, Service
from crisis.services import service_named
from crisis.services.records import record_history

pytestmark = pytest.mark.django_db


def app(establishment, by, name, priority=3, depends_on=()):
    return services.application_create(
        establishment=establishment, by=by, name=name, priority=priority, depends_on=depends_on
    )


def draft(establishment, by, service="Urgences", title="Sans DPI", body="## Étapes\n1. Papier", **kwargs):
    return services.procedure_create(
        establishment=establishment,
        by=by,
        service=service_named(establishment=establishment, name=service),
        title=title,
        body=body,
        **kwargs,
    )


# --- versions and publication -------------------------------------------------------------


def test_a_new_procedure_is_a_draft_in_force_nowhere(establishment, director):
    procedure = draft(establishment, director)
    assert (procedure.status, procedure.version) == (Procedure.Status.DRAFT, 0)
    assert list(selectors.published_procedures(establishment)) == []


def test_publishing_keeps_every_version_and_never_changes_a_published_one(establishment, director):
    procedure = draft(establishment, director, body="v1")
    first = services.procedure_publish(procedure=procedure, by=director)
    services.procedure_update(procedure=procedure, by=director, body="v2")
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.DRAFT and procedure.version == 1
    # what is in force is still version 1 while the draft is edited
    (in_force,) = selectors.published_procedures(establishment)
    assert (in_force.number, in_force.body) == (1, "v1")
    second = services.procedure_publish(procedure=procedure, by=director)
    assert [v.number for v in selectors.versions_of(procedure)] == [2, 1]
    first.refresh_from_db()
    assert first.body == "v1" and second.body == "v2"
    procedure.refresh_from_db()
    assert (procedure.status, procedure.version, procedure.validated_by) == ("publiee", 2, director)
    assert procedure.review_due == timezone.localdate() + timedelta(days=365)


def test_publishing_twice_without_a_change_is_refused(establishment, director):
    procedure = draft(establishment, director)
    services.procedure_publish(procedure=procedure, by=director)
    with pytest.raises(ValidationError):
        services.procedure_publish(procedure=procedure, by=director)
    assert ProcedureVersion.objects.count() == 1


def test_changing_only_the_review_date_keeps_the_procedure_published(establishment, director):
    procedure = draft(establishment, director)
    services.procedure_publish(procedure=procedure, by=director)
    services.procedure_update(procedure=procedure, by=director, review_due=date(2030, 1, 1), tested_at=date(2026, 1, 5))
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.PUBLISHED


def test_changing_the_triggers_makes_a_draft_and_keeps_their_history(establishment, director):
    dpi = app(establishment, director, "DPI")
    procedure = draft(establishment, director)
    services.procedure_publish(procedure=procedure, by=director)
    assert services.procedure_update(procedure=procedure, by=director, trigger_applications=[dpi])
    procedure.refresh_from_db()
    assert procedure.status == Procedure.Status.DRAFT
    assert any(row.field == services.TRIGGERS_KEY and row.after_shown == "DPI" for row in record_history(procedure))


def test_published_procedures_of_one_service(establishment, director):
    for service in ("Urgences", "Laboratoire"):
        services.procedure_publish(procedure=draft(establishment, director, service=service), by=director)
    urgences = Service.objects.get(establishment=establishment, name="Urgences")
    assert [v.service_name for v in selectors.published_procedures(establishment, urgences)] == ["Urgences"]


def test_a_procedure_of_another_establishments_service_is_refused(establishment, other_establishment, director):
    foreign = Service.objects.filter(establishment=other_establishment).first()
    with pytest.raises(ValidationError):
        services.procedure_create(establishment=establishment, by=director, service=foreign, title="x", body="y")
    assert not Procedure.objects.exists()


def test_gaps_list_services_without_a_published_procedure_and_overdue_reviews(establishment, director):
    procedure = draft(establishment, director)
    services.procedure_publish(procedure=procedure, by=director, review_due=date(2020, 1, 1))
    draft(establishment, director, service="Laboratoire")  # a draft covers nothing
    found = selectors.gaps(establishment)
    names = [s.name for s in found["services_without_procedure"]]
    assert "Urgences" not in names and "Laboratoire" in names and "Finances, paie et facturation" in names
    assert [p.pk for p in found["overdue_reviews"]] == [procedure.pk]


def test_markdown_is_rendered_without_any_raw_html():
    html = render_markdown(
        "## Titre\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[lien](javascript:alert(1))"
    )
    assert "<h2>Titre</h2>" in html
    assert "<script" not in html and "<img" not in html and "javascript:" not in html.replace("(javascript:", "")
    assert 'href="javascript' not in html


# --- the restart plan ----------------------------------------------------------------------


def names(plan):
    return [[step.application.name for step in wave] for wave in plan.waves]


def test_the_plan_respects_shared_dependencies_and_priorities(establishment, director):
    network = app(establishment, director, "Réseau", priority=1)
    ad = app(establishment, director, "Active Directory", priority=1, depends_on=[network])
    sql = app(establishment, director, "SQL 2", priority=1, depends_on=[network, ad])
    app(establishment, director, "Paie", priority=4, depends_on=[sql, ad])
    app(establishment, director, "DPI", priority=1, depends_on=[sql, ad])
    app(establishment, director, "Intranet", priority=4)
    plan = selectors.restart_plan(establishment)
    assert names(plan) == [["Réseau", "Intranet"], ["Active Directory"], ["SQL 2"], ["DPI", "Paie"]]
    paie = plan.waves[3][1]
    assert paie.waits_for == ["Active Directory", "SQL 2"]
    assert plan.cycles == [] and plan.blocked == []


def test_a_cycle_is_reported_with_its_members_and_what_waits_on_it(establishment, director):
    a = app(establishment, director, "A")
    b = app(establishment, director, "B", depends_on=[a])
    services.application_update(application=a, by=director, depends_on=[b])
    app(establishment, director, "C", depends_on=[b])
    app(establishment, director, "D")
    plan = selectors.restart_plan(establishment)
    assert names(plan) == [["D"]]
    assert plan.cycles == [["A", "B"]]
    assert plan.blocked == ["C"]


def test_an_application_cannot_depend_on_itself_nor_on_another_establishment(
    establishment, other_establishment, director
):
    a = app(establishment, director, "A")
    with pytest.raises(ValidationError):
        services.application_update(application=a, by=director, depends_on=[a])
    foreign = Application.objects.create(establishment=other_establishment, name="X")
    with pytest.raises(ValidationError):
        services.application_update(application=a, by=director, depends_on=[foreign])
    assert not a.depends_on.exists()


def test_two_applications_cannot_share_a_name(establishment, director):
    app(establishment, director, "DPI")
    with pytest.raises(ValidationError):
        app(establishment, director, "dpi")


# --- statuses in a crisis --------------------------------------------------------------------


def test_each_status_change_is_kept_and_written_to_the_journal(crisis, establishment, director):
    dpi = app(establishment, director, "DPI")
    services.application_status_set(
        crisis=crisis, application=dpi, by=director, status="hors_service", comment="chiffré"
    )
    services.application_status_set(crisis=crisis, application=dpi, by=director, status="operationnel")
    row = ApplicationStatus.objects.get()
    assert row.status == "operationnel"
    assert [r.after for r in record_history(row) if r.field == "status"] == ["operationnel", "hors_service"]
    texts = list(JournalEntry.objects.filter(crisis=crisis).values_list("text", flat=True))
    assert any("DPI : hors service — chiffré" in t for t in texts)
    assert any("DPI : opérationnel" in t for t in texts)


def test_the_situation_says_what_can_restart_and_which_procedures_are_in_force(crisis, establishment, director):
    ad = app(establishment, director, "Active Directory", priority=1)
    dpi = app(establishment, director, "DPI", priority=1, depends_on=[ad])
    lab = app(establishment, director, "SIL", priority=2)
    procedure = draft(establishment, director, trigger_applications=[dpi])
    services.procedure_publish(procedure=procedure, by=director)
    draft(establishment, director, service="Laboratoire", trigger_applications=[lab])  # a draft is not in force
    for application in (ad, dpi, lab):
        services.application_status_set(crisis=crisis, application=application, by=director, status="hors_service")
    found = selectors.situation(crisis)
    by_name = {r.application.name: r for r in found.rows}
    assert by_name["Active Directory"].restartable_now and by_name["SIL"].restartable_now
    assert not by_name["DPI"].restartable_now and by_name["DPI"].waits_for == ["Active Directory"]
    assert [v.procedure_id for v in found.procedures_in_force] == [procedure.pk]
    services.application_status_set(crisis=crisis, application=ad, by=director, status="operationnel")
    assert selectors.situation(crisis).rows[1].restartable_now  # DPI, now that AD is back


# --- re-entry backlog -------------------------------------------------------------------------


def test_the_backlog_projects_its_end_from_the_recent_rate_in_working_days(establishment, director):
    row = services.reentry_kind_create(establishment=establishment, by=director, kind="Actes", total=40_000)
    today = date(2026, 12, 7)  # a Monday
    assert selectors.reentry_backlog(establishment, today)[0].projected_end is None
    for back in range(1, 4):
        services.reentry_record(reentry=row, by=director, day=today - timedelta(days=back), count=200)
    (found,) = selectors.reentry_backlog(establishment, today)
    assert (found.done, found.per_day, found.left) == (600, 200.0, 39_400)
    assert found.projected_end == selectors.add_working_days(today, 197)
    assert selectors.add_working_days(date(2026, 12, 4), 1) == date(2026, 12, 7)  # Friday → Monday


def test_a_day_recorded_twice_is_replaced_and_the_future_is_refused(establishment, director):
    row = services.reentry_kind_create(establishment=establishment, by=director, kind="Actes", total=100)
    services.reentry_record(reentry=row, by=director, count=10)
    services.reentry_record(reentry=row, by=director, count=12)
    assert selectors.reentry_backlog(establishment)[0].done == 12
    with pytest.raises(ValidationError):
        services.reentry_record(reentry=row, by=director, count=1, day=timezone.localdate() + timedelta(days=1))


# --- import and export ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_export_then_import_round_trips(establishment, other_establishment, director, fmt):
    dpi = app(establishment, director, "DPI")
    draft(establishment, director, title="Sans DPI", body="## Étapes\n1. Papier « fiche »", trigger_applications=[dpi])
    text = exchange.dumps(exchange.export_data(selectors.procedures_of(establishment)), fmt)
    Application.objects.create(establishment=other_establishment, name="DPI")
    created = exchange.import_data(establishment=other_establishment, by=director, data=exchange.loads(text, fmt))
    (copy,) = created
    assert (copy.title, copy.body, copy.status) == ("Sans DPI", "## Étapes\n1. Papier « fiche »", "brouillon")
    assert copy.service.establishment_id == other_establishment.pk
    assert [a.name for a in copy.trigger_applications.all()] == ["DPI"]
    assert (
        exchange.export_data([copy])["procedures"]
        == exchange.export_data(selectors.procedures_of(establishment))["procedures"]
    )


@pytest.mark.parametrize(
    "text",
    [
        "not: [valid",
        "!!python/object/apply:os.system ['true']",
        "format: other\nprocedures: []",
        "format: console-crise/procedures\nprocedures:\n- {service: Urgences, title: '', body: x}",
    ],
)
def test_a_bad_file_imports_nothing(establishment, director, text):
    with pytest.raises(ValidationError):
        exchange.import_data(establishment=establishment, by=director, data=exchange.loads(text, "yaml"))
    assert not Procedure.objects.exists()

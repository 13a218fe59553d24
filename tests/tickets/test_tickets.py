"""Tickets: numbering, transitions, history, merge, escalation both ways, top incidents, the agenda."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crisis import live
from crisis.models import Meeting, RidaLine
from crisis.selectors import meeting_agenda
from crisis.services import crisis_close, rida_update
from crisis.services.records import record_history
from tickets import selectors, services
from tickets.models import TOPIC, Ticket


def file(establishment, by, **kwargs):
    values = {"reporter_name": "Agent", "description": "Imprimante bloquée", "category": Ticket.Category.IMPRIMANTE}
    return services.ticket_create(establishment=establishment, by=by, **(values | kwargs))


def test_numbers_run_per_establishment(establishment, other_establishment, nurse, outsider):
    first, second = file(establishment, nurse), file(establishment, nurse)
    elsewhere = file(other_establishment, outsider)
    assert (first.number, second.number, elsewhere.number) == ("T-0001", "T-0002", "T-0001")


def test_a_signalement_joins_the_open_crisis_and_none_once_it_is_closed(crisis, establishment, nurse, director):
    assert file(establishment, nurse).crisis == crisis
    crisis_close(crisis=crisis, by=director, note="Fin.")
    assert file(establishment, nurse).crisis is None


def test_patient_safety_starts_high_and_creation_is_in_the_history(ticket, nurse):
    assert ticket.priority == Ticket.Priority.P2 and ticket.status == Ticket.Status.NOUVEAU
    history = record_history(ticket)
    assert history and history[0].by_label


def test_creation_moves_the_board_topic_of_the_crisis(crisis, establishment, nurse):
    before = live.version(crisis, (TOPIC,))
    file(establishment, nurse)
    assert live.version(crisis, (TOPIC,)) != before


def test_only_allowed_moves_and_the_refusal_names_them(ticket, dsi):
    with pytest.raises(ValidationError) as refused:
        services.ticket_update(ticket=ticket, by=dsi, status=Ticket.Status.CLOS)
    assert "qualifié" in str(refused.value) and "rejeté" in str(refused.value)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NOUVEAU
    services.ticket_update(ticket=ticket, by=dsi, status=Ticket.Status.EN_COURS)
    services.ticket_update(ticket=ticket, by=dsi, status=Ticket.Status.RESOLU)
    ticket.refresh_from_db()
    assert ticket.resolved_at is not None
    fields = {row.field for row in record_history(ticket)}
    assert {"status", "resolved_at"} <= fields


def test_an_answer_is_dated_and_reaches_the_merged_duplicates(establishment, ticket, nurse, dsi):
    duplicate = file(establishment, nurse, reporter_name="Paul", description="DPI planté")
    services.ticket_merge(ticket=duplicate, into=ticket, by=dsi)
    duplicate.refresh_from_db()
    assert duplicate.merged_into == ticket and duplicate.status == Ticket.Status.CLOS
    assert [t.reporter_name for t in selectors.reporters_of(ticket)] == ["Inès Infirmière", "Paul"]
    services.ticket_update(ticket=ticket, by=dsi, answer="Redémarrage du serveur DPI à 10 h.")
    duplicate.refresh_from_db()
    assert duplicate.answer == "Redémarrage du serveur DPI à 10 h." and duplicate.answered_at


def test_merge_refuses_itself_and_a_merged_target(establishment, ticket, nurse, dsi):
    other = file(establishment, nurse)
    with pytest.raises(ValidationError):
        services.ticket_merge(ticket=ticket, into=ticket, by=dsi)
    services.ticket_merge(ticket=other, into=ticket, by=dsi)
    third = file(establishment, nurse)
    with pytest.raises(ValidationError):
        services.ticket_merge(ticket=third, into=other, by=dsi)


def test_a_merged_ticket_follows_its_survivor_when_that_one_is_merged(establishment, ticket, nurse, dsi):
    a, b = file(establishment, nurse), file(establishment, nurse)
    services.ticket_merge(ticket=a, into=b, by=dsi)
    services.ticket_merge(ticket=b, into=ticket, by=dsi)
    a.refresh_from_db()
    assert a.merged_into == ticket


def test_escalation_creates_one_rida_line_and_its_answer_comes_back(ticket, director):
    line = services.ticket_escalate(ticket=ticket, by=director)
    assert services.ticket_escalate(ticket=ticket, by=director) == line
    ticket.refresh_from_db()
    assert ticket.rida_line == line and line.kind == RidaLine.Kind.ACTION
    assert ticket.number in line.source_label and ticket.number in line.text
    rida_update(line=line, by=director, answer="Serveur DPI relancé ; reprise à 11 h.")
    ticket.refresh_from_db()
    assert ticket.answer == "Serveur DPI relancé ; reprise à 11 h."
    assert any(row.field == "answer" for row in record_history(ticket))


def test_a_ticket_without_crisis_cannot_be_escalated(establishment, nurse, director):
    orphan = file(establishment, nurse)
    with pytest.raises(ValidationError):
        services.ticket_escalate(ticket=orphan, by=director)


def test_top_incidents_group_by_category_and_application_weighted_by_priority(crisis, establishment, nurse):
    for _ in range(3):
        file(establishment, nurse, category=Ticket.Category.IMPRIMANTE, priority=4)
    file(establishment, nurse, category=Ticket.Category.APPLICATION, application_name="DPI", priority=1)
    file(establishment, nurse, category=Ticket.Category.APPLICATION, application_name="dpi ", priority=1)
    old = file(establishment, nurse, category=Ticket.Category.RESEAU, priority=1)
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=80))
    top = selectors.top_incidents(crisis, hours=72)
    assert [(g["category"], g["count"], g["score"]) for g in top] == [
        ("application_metier", 2, 8),
        ("imprimante", 3, 3),
    ]
    assert top[0]["application"] == "DPI" and top[0]["category_label"] == "application métier"
    assert all(isinstance(t, Ticket) for t in top[0]["tickets"])


def test_the_meeting_agenda_lists_the_signalements_since_the_last_point(crisis, establishment, nurse, director):
    Meeting.objects.create(crisis=crisis, scheduled_at=timezone.now() - timedelta(hours=1))
    meeting = Meeting.objects.create(crisis=crisis, scheduled_at=timezone.now() + timedelta(minutes=5))
    fresh = file(establishment, nurse)
    old = file(establishment, nurse)
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    section = {s.key: s for s in meeting_agenda(meeting)}["new_signalements"]
    assert section.items == [fresh]


def test_bad_input_saves_nothing(establishment, nurse):
    with pytest.raises(ValidationError) as refused:
        services.ticket_create(establishment=establishment, by=nurse, reporter_name=" ", description="")
    assert {"reporter_name", "description"} <= set(refused.value.message_dict)
    assert not Ticket.objects.exists()


def test_the_card_counts_open_tickets_by_priority(crisis, establishment, ticket, nurse):
    file(establishment, nurse, priority=1)
    summary = selectors.card_summary(establishment.pk, crisis)
    assert summary["total"] == 2 and dict(summary["by_priority"])[1] == 1 and summary["safety"] == 1
    assert summary["oldest_p1"].priority == 1


def test_free_text_naming_an_application_of_the_map_links_it(crisis, establishment, nurse, dsi):
    from continuity.models import Application

    dpi = Application.objects.create(establishment=establishment, name="DPI")
    linked = file(establishment, nurse, application_name="dpi")
    unknown = file(establishment, nurse, application_name="Logiciel de la cuisine")
    assert linked.application == dpi and linked.application_label == "DPI"
    assert unknown.application is None and unknown.application_label == "Logiciel de la cuisine"
    services.ticket_update(ticket=unknown, by=dsi, application=dpi)
    unknown.refresh_from_db()
    assert unknown.application == dpi


def test_an_application_of_another_establishment_is_refused(establishment, other_establishment, nurse):
    from continuity.models import Application

    elsewhere = Application.objects.create(establishment=other_establishment, name="PACS")
    with pytest.raises(ValidationError) as refused:
        file(establishment, nurse, application=elsewhere)
    assert "application" in refused.value.message_dict

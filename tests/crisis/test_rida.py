"""The RIDA: numbering, history, abandon instead of delete, the journal link both ways, decision lines."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from crisis import selectors, services
from crisis.models import Crisis, JournalEntry, RidaLine
from crisis.selectors import RidaFilters
from web.errors import RefusedWrite


def line(crisis, by, text="Rappeler le biomédical pour les pousse-seringues.", **fields):
    return services.rida_create(crisis=crisis, by=by, text=text, **fields)


def test_lines_are_numbered_in_order_per_crisis(crisis, other_establishment, outsider, director):
    other = services.crisis_create(establishment=other_establishment, by=outsider, title="Autre")
    first, second = line(crisis, director), line(crisis, director)
    elsewhere = line(other, outsider)
    assert (first.number, second.number, elsewhere.number) == ("RIDA-001", "RIDA-002", "RIDA-001")


def test_a_number_is_never_given_again_even_after_an_abandon(crisis, director):
    first = line(crisis, director)
    services.rida_abandon(line=first, by=director, reason="Doublon de la ligne suivante.")
    assert line(crisis, director).number == "RIDA-002"


@pytest.mark.django_db(transaction=True)
def test_two_members_creating_lines_at_the_same_instant_get_distinct_numbers(establishment, director, scribe):
    # PostgreSQL: the crisis row lock orders them; SQLite: IMMEDIATE transactions serialise writers.
    crisis = services.crisis_create(establishment=establishment, by=director, title="Concurrence RIDA")
    start = threading.Barrier(2)
    errors = []

    def create(user, n):
        try:
            start.wait()
            for i in range(8):
                line(Crisis.objects.get(pk=crisis.pk), user, text=f"{n}-{i}")
        except Exception as exc:  # noqa: BLE001 — reported below, the thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(user, n)) for n, user in enumerate((director, scribe))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(RidaLine.objects.filter(crisis=crisis).values_list("seq", flat=True)) == list(range(1, 17))
    assert Crisis.objects.get(pk=crisis.pk).rida_last_seq == 16


def test_creation_and_every_change_are_in_the_lines_history(crisis, director, scribe):
    action = line(crisis, scribe, owner=scribe, due_at=timezone.now() + timedelta(hours=2))
    services.rida_update(line=action, by=director, status="en_cours")
    services.rida_update(line=action, by=director, owner=director)
    rows = selectors.record_history(action)
    assert [(r.field, r.before, r.after) for r in rows if r.action == "update"] == [
        ("owner", scribe.pk, director.pk),
        ("status", "a_faire", "en_cours"),
    ]
    assert rows[0].by_label == "Claire Directrice" and rows[0].after_shown == "Claire Directrice"
    created = [r for r in rows if r.action == "create"]
    assert {r.field for r in created} >= {"seq", "kind", "text", "owner", "due_at", "status"}
    assert created[0].by_id == scribe.pk


def test_a_line_is_never_deleted_it_is_abandoned_with_a_reason(crisis, director):
    action = line(crisis, director)
    with pytest.raises(RefusedWrite):
        action.delete()
    with pytest.raises(ValidationError) as refused:
        services.rida_update(line=action, by=director, status="abandonne")
    assert "abandon_reason" in refused.value.message_dict
    action.refresh_from_db()
    assert action.status == "a_faire" and not [r for r in selectors.record_history(action) if r.action == "update"]
    services.rida_abandon(line=action, by=director, reason="Sans objet : le standard est rétabli.")
    action.refresh_from_db()
    assert action.status == "abandonne" and action.abandon_reason.startswith("Sans objet")
    assert RidaLine.objects.filter(pk=action.pk).exists()


def test_an_action_from_a_journal_entry_links_both_ways(crisis, scribe):
    entry = services.journal_append(crisis=crisis, by=scribe, text="Le standard ne passe plus les appels.")
    action = line(crisis, scribe, source_entry=entry, text="Installer des téléphones analogiques au standard.")
    assert action.source_entry == entry
    assert list(entry.rida_lines.all()) == [action]


def test_an_entry_of_another_crisis_is_refused_as_source(crisis, other_establishment, outsider, scribe):
    other = services.crisis_create(establishment=other_establishment, by=outsider, title="Autre")
    foreign = services.journal_append(crisis=other, by=outsider, text="Ailleurs.")
    with pytest.raises(ValidationError) as refused:
        line(crisis, scribe, source_entry=foreign)
    assert "source_entry" in refused.value.message_dict
    assert not RidaLine.objects.filter(crisis=crisis).exists()


def test_a_decision_line_writes_a_decision_in_the_journal(crisis, director):
    decision = line(crisis, director, kind="decision", text="Dépôt de plainte auprès de la gendarmerie.")
    entry = decision.journal_entry
    assert entry.kind == JournalEntry.Kind.DECISION
    assert entry.text == "Décision RIDA-001 : Dépôt de plainte auprès de la gendarmerie."


def test_closing_a_line_records_who_validated_it_and_reopening_clears_it(crisis, director, scribe):
    action = line(crisis, scribe, owner=scribe)
    services.rida_update(line=action, by=director, status="fait", answer="Téléphones installés.")
    action.refresh_from_db()
    assert action.closure_validated_by == director and action.answered_at is not None
    services.rida_update(line=action, by=director, status="en_cours")
    action.refresh_from_db()
    assert action.closure_validated_by is None


def test_an_owner_outside_the_establishment_is_refused(crisis, director, outsider):
    with pytest.raises(ValidationError) as refused:
        line(crisis, director, owner=outsider)
    assert "owner" in refused.value.message_dict


def test_one_owner_at_a_time_a_member_or_a_service(crisis, director, scribe):
    action = line(crisis, director, owner_other="Service biomédical")
    services.rida_update(line=action, by=director, owner=scribe)
    action.refresh_from_db()
    assert (action.owner, action.owner_other, action.owner_label) == (scribe, "", "Sam Secrétaire")
    services.rida_update(line=action, by=director, owner_other="Pharmacie")
    action.refresh_from_db()
    assert (action.owner, action.owner_label) == (None, "Pharmacie")


def test_a_closed_crisis_refuses_new_lines_and_changes(crisis, director):
    action = line(crisis, director)
    services.crisis_close(crisis=crisis, by=director)
    with pytest.raises(ValidationError):
        line(crisis, director)
    with pytest.raises(ValidationError):
        services.rida_update(line=action, by=director, status="fait")


def test_the_search_ignores_accents_and_case(crisis, director):
    line(crisis, director, text="Prévenir la pharmacie : étiquettes à imprimer.", theme="Pharmacie")
    line(crisis, director, text="Appeler le SAMU.")
    found = selectors.rida_lines(crisis, RidaFilters(q="ETIQUETTES pharmacie"))
    assert [x.text for x in found] == ["Prévenir la pharmacie : étiquettes à imprimer."]
    assert selectors.rida_lines(crisis, RidaFilters(q="prevenir")).count() == 1


def test_the_search_follows_a_changed_answer(crisis, director):
    action = line(crisis, director)
    services.rida_update(line=action, by=director, answer="Réglé par l'équipe réseau.")
    assert selectors.rida_lines(crisis, RidaFilters(q="equipe reseau")).count() == 1


def test_overdue_lines_are_the_open_ones_past_their_due_time(crisis, director):
    past = timezone.now() - timedelta(minutes=5)
    late = line(crisis, director, due_at=past)
    line(crisis, director, due_at=past, status="fait")
    line(crisis, director, due_at=timezone.now() + timedelta(hours=1))
    assert list(selectors.rida_lines(crisis, RidaFilters(overdue=True))) == [late]
    assert late.is_overdue()


def test_filters_by_kind_status_owner_and_theme(crisis, director, scribe):
    mine = line(crisis, director, owner=scribe, theme="Téléphonie")
    line(crisis, director, kind="information", theme="Téléphonie")
    line(crisis, director, status="en_cours")
    filters = RidaFilters(kind="action", status="a_faire", owner=scribe.pk, theme="Téléphonie")
    assert list(selectors.rida_lines(crisis, filters)) == [mine]


def test_only_actions_are_to_do_an_information_is_noted_and_a_decision_taken(crisis, director):
    info = line(crisis, director, kind="information", text="La téléradiologie est coupée.")
    taken = line(crisis, director, kind="decision", text="Fermeture des urgences.")
    action = line(crisis, director, kind="action")
    assert (info.status, taken.status, action.status) == ("fait", "fait", "a_faire")
    assert (info.status_label, taken.status_label, action.status_label) == ("Notée", "Prise", "À faire")
    assert selectors.rida_counters(crisis, director)["open"] == 1
    with pytest.raises(ValidationError) as error:
        services.rida_update(line=info, by=director, status="a_faire")
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        line(crisis, director, kind="decision", status="en_cours")


def test_a_closure_of_the_emergency_department_is_taken_not_to_do_and_keeps_its_reassessment(crisis, director):
    decision = services.decision_record(
        crisis=crisis, by=director, gate="urgences_fermees", reassess_at=timezone.now() + timedelta(hours=12)
    )
    assert decision.rida_line.status == "fait" and decision.rida_line.due_at == decision.reassess_at
    assert selectors.rida_counters(crisis, director)["open"] == 0
    reopened = services.decision_record(crisis=crisis, by=director, gate="urgences_rouvertes")
    decision.rida_line.refresh_from_db()
    assert decision.rida_line.answered_at == reopened.occurred_at and decision.rida_line.answer


def test_the_migration_closes_information_and_decision_lines_left_to_do(crisis, director):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("crisis.migrations.0011_rida_information_and_decision_lines_are_not_to_do")
    info, action = line(crisis, director, kind="information"), line(crisis, director)
    RidaLine.objects.filter(pk=info.pk).update(status="a_faire")
    migration.close_information_and_decision_lines(apps, None)
    assert RidaLine.objects.get(pk=info.pk).status == "fait" and RidaLine.objects.get(pk=action.pk).status == "a_faire"

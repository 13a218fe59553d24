"""Points de situation (agenda, countdown data, overrun, daily slot) and decisions with their own button."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from crisis import selectors, services
from crisis.models import Meeting, Phase, RidaLine


def meeting(crisis, by, minutes_ago=0, **fields):
    return services.meeting_create(
        crisis=crisis, by=by, scheduled_at=timezone.now() - timedelta(minutes=minutes_ago), **fields
    )


def test_the_agenda_has_due_actions_reassessments_signalements_and_free_items(crisis, director, scribe):
    now = timezone.now()
    point = meeting(crisis, director, agenda_items=["Communiqué de presse"])
    late = services.rida_create(crisis=crisis, by=scribe, text="En retard", due_at=now - timedelta(hours=1))
    due_soon = services.rida_create(
        crisis=crisis, by=scribe, text="Échue pendant le point", due_at=now + timedelta(minutes=20)
    )
    services.rida_create(crisis=crisis, by=scribe, text="Plus tard", due_at=now + timedelta(hours=5))
    services.rida_create(crisis=crisis, by=scribe, text="Faite", due_at=now - timedelta(hours=1), status="fait")
    services.rida_create(crisis=crisis, by=scribe, kind="information", text="Info", due_at=now - timedelta(hours=1))
    closure = services.decision_record(
        crisis=crisis,
        by=director,
        gate="urgences_fermees",
        occurred_at=now - timedelta(hours=12),
        reassess_at=now + timedelta(minutes=10),
    )
    sections = {section.key: section for section in selectors.meeting_agenda(point)}
    assert [line.pk for line in sections["actions_due"].items] == [late.pk, due_soon.pk]
    assert sections["decisions_to_confirm"].items == [closure]
    assert sections["new_signalements"].items == []  # tickets do not exist yet: an empty, labelled section
    assert sections["free_items"].items == ["Communiqué de presse"]


def test_lines_created_while_a_meeting_runs_belong_to_it(crisis, director, scribe):
    point = meeting(crisis, director)
    before = services.rida_create(crisis=crisis, by=scribe, text="Avant")
    services.meeting_start(meeting=point, by=director)
    during = services.rida_create(crisis=crisis, by=scribe, text="Pendant", kind="decision")
    services.meeting_end(meeting=point, by=director)
    after = services.rida_create(crisis=crisis, by=scribe, text="Après")
    assert (before.meeting, during.meeting, after.meeting) == (None, point, None)
    releve = selectors.meeting_releve(point)
    assert releve["decisions"] == [during] and releve["actions"] == []


def test_ending_late_records_the_overrun_and_journals_it(crisis, director):
    point = meeting(crisis, director, minutes_ago=45)
    started = timezone.now() - timedelta(minutes=45)
    services.meeting_start(meeting=point, by=director, at=started)
    services.meeting_end(meeting=point, by=director, at=started + timedelta(minutes=37))
    point.refresh_from_db()
    assert point.overrun_minutes == 7
    assert "Dépassement : 7 min." in crisis.journal_entries.order_by("-seq").first().text


def test_a_meeting_entered_afterwards_is_journaled_at_its_own_times(crisis, director):
    point = meeting(crisis, director, minutes_ago=90)
    started = timezone.now() - timedelta(minutes=90)
    services.meeting_start(meeting=point, by=director, at=started)
    services.meeting_end(meeting=point, by=director, at=started + timedelta(minutes=25))
    opening, closing = crisis.journal_entries.order_by("-seq")[:2][::-1]
    assert opening.text.startswith("Ouverture du point de situation") and opening.occurred_at == started
    assert closing.text.startswith("Clôture du point de situation")
    assert closing.occurred_at == started + timedelta(minutes=25)


def test_a_main_courante_opened_afterwards_dates_its_opening_entry(establishment, director):
    opened = timezone.now() - timedelta(hours=6)
    crisis = services.crisis_create(
        establishment=establishment, by=director, title="Ouverte après coup", detected_at=opened, opened_at=opened
    )
    assert crisis.journal_entries.get().occurred_at == opened


def test_ending_in_time_records_no_overrun(crisis, director):
    point = meeting(crisis, director, minutes_ago=30)
    started = timezone.now() - timedelta(minutes=30)
    services.meeting_start(meeting=point, by=director, at=started)
    services.meeting_end(meeting=point, by=director, at=started + timedelta(minutes=28))
    point.refresh_from_db()
    assert point.overrun_minutes == 0


def test_the_countdown_warns_five_minutes_before_the_end(crisis, director):
    point = meeting(crisis, director)
    services.meeting_start(meeting=point, by=director)
    assert point.planned_end - point.started_at == timedelta(minutes=30)
    assert point.warn_at - point.started_at == timedelta(minutes=25)


def test_a_meeting_cannot_start_twice_nor_two_at_once_nor_end_before_starting(crisis, director):
    first, second = meeting(crisis, director), meeting(crisis, director)
    with pytest.raises(ValidationError):
        services.meeting_end(meeting=first, by=director)
    services.meeting_start(meeting=first, by=director)
    with pytest.raises(ValidationError):
        services.meeting_start(meeting=first, by=director)
    with pytest.raises(ValidationError):
        services.meeting_start(meeting=second, by=director)


def test_the_daily_slot_schedules_the_next_day_at_the_same_local_time(crisis, director):
    today = timezone.localtime().replace(hour=8, minute=30, second=0, microsecond=0)
    point = services.meeting_create(
        crisis=crisis, by=director, scheduled_at=today, kind="point_technique", repeats_daily=True, guests=["ANSSI"]
    )
    services.meeting_start(meeting=point, by=director, at=min(today, timezone.now()))
    services.meeting_end(meeting=point, by=director)
    following = Meeting.objects.exclude(pk=point.pk).get(crisis=crisis)
    local = timezone.localtime(following.scheduled_at)
    assert (local.hour, local.minute) == (8, 30) and local.date() == timezone.localdate() + timedelta(days=1)
    assert following.repeats_daily and following.guests == ["ANSSI"] and following.kind == "point_technique"


# --- decisions --------------------------------------------------------------------


def test_each_gate_writes_a_decision_entry_and_a_d_line(crisis, director):
    decision = services.decision_record(crisis=crisis, by=director, gate="plan_blanc_declenche", details="Niveau 2.")
    assert decision.journal_entry.kind == "decision" and decision.journal_entry.text.startswith(
        "Décision : Plan blanc déclenché."
    )
    line = decision.rida_line
    assert line.kind == RidaLine.Kind.DECISION and line.status == "fait" and line.text == decision.journal_entry.text
    assert list(decision.journal_entry.rida_lines.all()) == [line]


def test_a_reassessment_falls_due_with_time_and_recording_it_sets_the_next(crisis, director):
    now = timezone.now()
    closed_at = now - timedelta(hours=13)
    closure = services.decision_record(
        crisis=crisis, by=director, gate="urgences_fermees", occurred_at=closed_at, reassess_at=now - timedelta(hours=1)
    )
    state = selectors.decisions_state(crisis, now)
    assert state.closed_since == closed_at and state.reassessment_due is True
    assert state.next_reassessment == now - timedelta(hours=1)
    # Maintained: the closure's D line is answered, the next reassessment set, the closure still dates from the start.
    maintained = services.decision_record(
        crisis=crisis, by=director, gate="urgences_fermees", reassess_at=now + timedelta(hours=12)
    )
    closure.rida_line.refresh_from_db()
    assert closure.rida_line.status == "fait" and "maintenue" in closure.rida_line.answer
    assert maintained.reassesses == closure and "maintenue" in maintained.journal_entry.text
    state = selectors.decisions_state(crisis)
    assert state.closed_since == closed_at and state.reassessment_due is False
    assert state.next_reassessment == now + timedelta(hours=12)
    # Reopened: nothing left to reassess.
    reopened = services.decision_record(crisis=crisis, by=director, gate="urgences_rouvertes")
    assert reopened.reassesses == maintained
    maintained.rida_line.refresh_from_db()
    assert maintained.rida_line.status == "fait"
    state = selectors.decisions_state(crisis)
    assert state.closure is None and state.reassessment_due is False and state.closed_since is None


def test_activating_the_cell_moves_an_alert_to_mobilisation(crisis, director):
    services.decision_record(crisis=crisis, by=director, gate="activation_cellule")
    crisis.refresh_from_db()
    assert crisis.phase == Phase.MOBILISATION


def test_activating_the_cell_later_never_moves_the_phase_back(crisis, director):
    services.crisis_change_phase(crisis=crisis, by=director, phase=Phase.ENDIGUEMENT)
    services.decision_record(crisis=crisis, by=director, gate="activation_cellule")
    crisis.refresh_from_db()
    assert crisis.phase == Phase.ENDIGUEMENT


def test_the_end_of_crisis_moves_to_its_phase(crisis, director):
    services.decision_record(crisis=crisis, by=director, gate="sortie_de_crise")
    crisis.refresh_from_db()
    assert crisis.phase == Phase.SORTIE and crisis.is_open


def test_a_diversion_says_where_and_who_was_told(crisis, director):
    decision = services.decision_record(
        crisis=crisis,
        by=director,
        gate="detournement_patients",
        pathway="SMUR et ambulances",
        destination="CH voisin",
        ars_informed=True,
        samu_informed=False,
    )
    text = decision.journal_entry.text
    assert "Filière : SMUR et ambulances ; destination : CH voisin ; ARS informée : oui ; SAMU informé : non." in text


def test_a_refused_decision_leaves_no_entry_and_no_line(crisis, director):
    entries = crisis.journal_entries.count()
    with pytest.raises(ValidationError):
        services.decision_record(crisis=crisis, by=director, gate="urgences_fermees")
    with pytest.raises(ValidationError):
        services.decision_record(
            crisis=crisis, by=director, gate="urgences_fermees", reassess_at=timezone.now() - timedelta(hours=1)
        )
    assert crisis.journal_entries.count() == entries and not RidaLine.objects.exists()


def test_the_network_and_plan_blanc_states_follow_their_pairs(crisis, director):
    services.decision_record(crisis=crisis, by=director, gate="coupure_reseau")
    services.decision_record(crisis=crisis, by=director, gate="plan_blanc_declenche")
    services.decision_record(crisis=crisis, by=director, gate="plan_blanc_leve")
    state = selectors.decisions_state(crisis)
    gates = {gate.gate: gate.in_effect for gate in state.gates}
    assert gates["coupure_reseau"] and not gates["plan_blanc_declenche"] and gates["plan_blanc_leve"]
    assert state.network_cut_since is not None and state.plan_blanc_since is None


def test_the_current_state_has_one_row_per_pair_with_its_state_and_since_when(client, crisis, director):
    from django.urls import reverse

    now = timezone.now()
    record = lambda minutes, gate, **f: services.decision_record(  # noqa: E731
        crisis=crisis, by=director, gate=gate, occurred_at=now - timedelta(minutes=minutes), **f
    )
    record(300, "plan_blanc_declenche")
    record(200, "urgences_fermees", reassess_at=now + timedelta(hours=1))
    record(100, "plan_blanc_leve")
    rows = {row.key: row for row in selectors.decisions_state(crisis).rows}
    assert "plan_blanc_leve" not in rows and "urgences_rouvertes" not in rows
    plan_blanc, urgences = rows["plan_blanc_declenche"], rows["urgences_fermees"]
    assert (plan_blanc.state, plan_blanc.in_effect) == ("levé", False)
    assert plan_blanc.since == now - timedelta(minutes=100)  # lifted at 100 min ago, not triggered at 300
    assert (urgences.state, urgences.in_effect, urgences.since) == ("fermées", True, now - timedelta(minutes=200))
    client.force_login(director)
    page = client.get(reverse("crisis:decisions", args=[crisis.pk])).content.decode()
    assert page.count('id="state-') == len(rows)
    record(50, "activation_cellule")
    assert not {row.key: row for row in selectors.decisions_state(crisis).rows}["activation_cellule"].is_pair
    page = client.get(reverse("crisis:decisions", args=[crisis.pk])).content.decode()
    assert "décidée</td>" in page and f"le {timezone.localtime(now - timedelta(minutes=50)):%d/%m %H:%M}" in page


def test_a_decision_typed_in_the_main_courante_is_recorded_from_its_entry_without_writing_it_twice(
    client, crisis, director, scribe
):
    from django.urls import reverse

    from crisis.models import JournalEntry

    typed = services.journal_append(
        crisis=crisis,
        by=scribe,
        kind="decision",
        text="Fermeture des urgences pour 24 h.",
        occurred_at=timezone.now() - timedelta(minutes=30),
    )
    client.force_login(director)
    journal = client.get(reverse("crisis:journal", args=[crisis.pk])).content.decode()
    assert f"?entree={typed.seq}" in journal
    page = client.get(reverse("crisis:decisions", args=[crisis.pk]), {"entree": typed.seq}).content.decode()
    assert "Fermeture des urgences pour 24 h." in page and f'name="entry" value="{typed.seq}"' in page
    count = JournalEntry.objects.filter(crisis=crisis).count()
    response = client.post(
        reverse("crisis:decisions", args=[crisis.pk]),
        {
            "gate": "urgences_fermees",
            "entry": typed.seq,
            "reassess_at": (timezone.localtime() + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    decision = crisis.decisions.get()
    assert decision.journal_entry_id == typed.pk and decision.occurred_at == typed.occurred_at
    assert decision.rida_line.source_entry_id == typed.pk
    assert JournalEntry.objects.filter(crisis=crisis).count() == count  # nothing written a second time
    again = client.post(
        reverse("crisis:decisions", args=[crisis.pk]), {"gate": "plan_blanc_declenche", "entry": typed.seq}
    )
    assert again.status_code == 400 and crisis.decisions.count() == 1


def test_only_a_decision_entry_of_this_crisis_becomes_a_decision(crisis, exercise, director, scribe):
    fact = services.journal_append(crisis=crisis, by=scribe, text="Un fait.")
    elsewhere = services.journal_append(crisis=exercise, by=scribe, kind="decision", text="Ailleurs.")
    for entry in (fact, elsewhere):
        with pytest.raises(ValidationError):
            services.decision_record(crisis=crisis, by=director, gate="plan_blanc_declenche", journal_entry=entry)


def test_the_observer_sees_no_link_to_an_action_he_cannot_take(client, crisis, scribe, observer):
    from django.urls import reverse

    entry = services.journal_append(crisis=crisis, by=scribe, kind="decision", text="Activation de la cellule.")
    client.force_login(observer)
    journal = client.get(reverse("crisis:journal", args=[crisis.pk])).content.decode()
    assert "suite à donner" not in journal and "?entree=" not in journal
    page = client.get(reverse("crisis:journal-entry", args=[crisis.pk, entry.seq])).content.decode()
    assert "Enregistrer comme décision" not in page

"""The record kit: create, update and history for records of a crisis or of an establishment, in one transaction."""

import threading
from datetime import UTC, date, datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection

from crisis import live, services
from crisis.models import Crisis, Establishment, LiveTopic, Meeting, RecordChange, RidaLine, Topic
from crisis.models.history import shown
from crisis.services.records import record_create, record_history, record_update


def counter(scope, topic: str) -> int:
    establishment_id, crisis_id = (scope.establishment_id, scope.pk) if isinstance(scope, Crisis) else (scope.pk, None)
    row = LiveTopic.objects.filter(establishment_id=establishment_id, crisis_id=crisis_id, topic=topic).first()
    return row.version if row else 0


def history(obj) -> list[RecordChange]:
    ct = ContentType.objects.get_for_model(obj)
    return list(RecordChange.objects.filter(content_type=ct, object_id=obj.pk).order_by("changed_at", "pk"))


# --- the RIDA closed by two members at once ------------------------------------


def test_two_members_closing_a_line_from_stale_copies_leave_one_closure_and_its_validator(crisis, director, scribe):
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    first, second = RidaLine.objects.get(pk=action.pk), RidaLine.objects.get(pk=action.pk)  # both read "à faire"
    services.rida_update(line=first, by=director, status=RidaLine.Status.FAIT)
    services.rida_update(line=second, by=scribe, status=RidaLine.Status.FAIT)  # nothing left to close
    action.refresh_from_db()
    assert action.status == RidaLine.Status.FAIT and action.closure_validated_by == director
    updates = [change for change in history(action) if change.action == "update"]
    assert [change.after for change in updates] == [{"status": "fait", "closure_validated_by": director.pk}]


def test_reopening_from_a_stale_copy_that_still_says_open_clears_the_validator(crisis, director, scribe):
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    stale = RidaLine.objects.get(pk=action.pk)  # "à faire"
    services.rida_update(line=action, by=director, status=RidaLine.Status.FAIT)
    services.rida_update(line=stale, by=scribe, status=RidaLine.Status.EN_COURS)
    action.refresh_from_db()
    assert action.status == RidaLine.Status.EN_COURS and action.closure_validated_by is None


def test_an_answer_from_a_stale_copy_keeps_the_date_of_the_first_answer(crisis, director, scribe):
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    stale = RidaLine.objects.get(pk=action.pk)  # no answer yet
    services.rida_update(line=action, by=director, answer="Rappelé à 9 h.")
    answered_at = RidaLine.objects.get(pk=action.pk).answered_at
    services.rida_update(line=stale, by=scribe, answer="Rappelé à 9 h, confirmé.")
    assert answered_at is not None and RidaLine.objects.get(pk=action.pk).answered_at == answered_at


@pytest.mark.django_db(transaction=True)
def test_two_members_closing_a_line_at_the_same_instant_leave_one_closure_in_its_history(
    establishment, director, scribe
):
    # PostgreSQL: the line's row lock orders them; SQLite: IMMEDIATE transactions serialise writers.
    crisis = services.crisis_create(establishment=establishment, by=director, title="Concurrence RIDA")
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    copies = [RidaLine.objects.select_related("crisis").get(pk=action.pk) for _ in range(2)]
    start = threading.Barrier(2)
    errors = []

    def close(copy, user):
        try:
            start.wait()
            services.rida_update(line=copy, by=user, status=RidaLine.Status.FAIT)
        except Exception as exc:  # noqa: BLE001 — reported below, the thread must not die silently
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=close, args=pair) for pair in zip(copies, (director, scribe), strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    action.refresh_from_db()
    updates = [change for change in history(action) if change.action == "update"]
    assert len(updates) == 1 and updates[0].after["status"] == "fait"
    assert updates[0].after["closure_validated_by"] == action.closure_validated_by_id == updates[0].changed_by_id


# --- derived fields, validation, scopes ----------------------------------------


def test_derived_fields_are_computed_from_the_locked_row_and_diffed_like_the_others(crisis, director):
    stale = Crisis.objects.get(pk=crisis.pk)
    services.crisis_update(crisis=crisis, by=director, severity=4)
    seen = []

    def derive(locked, changed):
        seen.append((locked.severity, changed))
        return {"title": f"{locked.title} (grave)"} if "severity" in changed else {}

    changed = record_update(instance=stale, by=director, changes={"severity": 1}, derive=derive)
    assert seen == [(1, {"severity": (4, 1)})]
    assert {c.name for c in changed} == {"severity", "title"}
    assert stale.title == "Rançongiciel de nuit (grave)"


def test_nothing_derived_when_nothing_really_changed(crisis, director):
    called = []
    changed = record_update(
        instance=crisis,
        by=director,
        changes={"severity": crisis.severity},
        derive=lambda locked, c: called.append(c) or {},
    )
    assert changed == [] and called == [{}]
    assert not [c for c in history(crisis) if c.action == "update"]


def test_an_update_moves_the_topic_of_the_records_crisis_only(crisis, director):
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    rida, journal = counter(crisis, Topic.RIDA), counter(crisis, Topic.JOURNAL)
    services.rida_update(line=action, by=director, status=RidaLine.Status.EN_COURS)
    assert (counter(crisis, Topic.RIDA), counter(crisis, Topic.JOURNAL)) == (rida + 1, journal)


def test_an_establishment_record_moves_the_establishments_topic_and_keeps_its_history(establishment, director):
    changed = record_update(
        instance=establishment, by=director, changes={"beds": 420}, establishment_id=establishment.pk, topic="beds"
    )
    assert [str(c) for c in changed] == ["lits : 0 → 420"]
    assert counter(establishment, "beds") == 1
    (change,) = history(establishment)
    assert change.establishment_id == establishment.pk and change.after == {"beds": 420}


def test_a_refused_update_saves_nothing_and_moves_nothing(crisis, director):
    def refuse(locked):
        raise ValidationError({"severity": "non"})

    before = counter(crisis, Topic.CRISIS)
    with pytest.raises(ValidationError):
        record_update(instance=crisis, by=director, changes={"severity": 1}, validate=refuse)
    assert Crisis.objects.get(pk=crisis.pk).severity == 3 and counter(crisis, Topic.CRISIS) == before
    assert not [c for c in history(crisis) if c.action == "update"]


def test_a_record_without_topic_is_refused_by_the_kit(establishment, director):
    with pytest.raises(TypeError):
        record_update(instance=establishment, by=director, changes={"beds": 1})


# --- creation -----------------------------------------------------------------


def test_creation_writes_the_record_its_history_its_journal_and_moves_its_topic(crisis, director):
    entries = crisis.journal_entries.count()
    meeting = record_create(
        instance=Meeting(crisis=crisis, scheduled_at=datetime(2026, 3, 2, 7, 30, tzinfo=UTC), created_by=director),
        by=director,
        fields=("kind", "scheduled_at"),
        journal=lambda meeting: f"Point prévu : {meeting}",
    )
    (change,) = history(meeting)
    assert change.action == "create" and change.before == {} and set(change.after) == {"kind", "scheduled_at"}
    assert crisis.journal_entries.count() == entries + 1
    assert counter(crisis, Topic.MEETINGS) == 1


def test_a_refused_creation_leaves_no_record_no_history_and_no_bump(crisis, director):
    def refuse(meeting):
        raise ValidationError({"kind": "non"})

    with pytest.raises(ValidationError):
        record_create(instance=Meeting(crisis=crisis, scheduled_at=crisis.detected_at), by=director, validate=refuse)
    assert not Meeting.objects.exists() and counter(crisis, Topic.MEETINGS) == 0
    assert not RecordChange.objects.filter(action="create").exists()


def test_a_rida_line_and_a_meeting_are_created_through_the_kit(crisis, director):
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=crisis.detected_at)
    assert [c.action for c in history(action)] == [c.action for c in history(meeting)] == ["create"]
    assert (counter(crisis, Topic.RIDA), counter(crisis, Topic.MEETINGS)) == (1, 1)


def test_the_history_reads_back_one_row_per_field_newest_first_with_shown_values(crisis, director, scribe):
    action = services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.", owner=scribe)
    services.rida_update(line=action, by=director, status=RidaLine.Status.FAIT)
    rows = record_history(action)
    assert [(r.field, r.before_shown, r.after_shown) for r in rows if r.action == "update"] == [
        ("closure_validated_by", "—", "Claire Directrice"),
        ("status", "À faire", "Fait"),
    ]
    assert rows[0].by_label == "Claire Directrice"
    assert {r.after_shown for r in rows if r.field == "owner"} == {"Sam Secrétaire"}


# --- one way to show a value --------------------------------------------------


def field(model, name):
    return model._meta.get_field(name)


def test_a_choice_is_shown_by_its_label():
    assert shown(field(RidaLine, "status"), "a_faire") == "À faire"
    assert shown(field(Crisis, "severity"), 4) == "4 — critique"


def test_a_time_is_shown_in_paris_time_whether_live_or_stored_as_text():
    winter = datetime(2026, 1, 15, 23, 30, tzinfo=UTC)
    summer = datetime(2026, 7, 15, 23, 30, tzinfo=UTC)
    due = field(RidaLine, "due_at")
    assert shown(due, winter) == shown(due, winter.isoformat()) == "16/01/2026 00:30"
    assert shown(due, summer.isoformat().replace("+00:00", "Z")) == "16/07/2026 01:30"


def test_a_day_is_shown_day_first():
    assert shown(None, date(2026, 3, 2)) == "02/03/2026"


def test_a_boolean_is_said_in_words():
    assert (shown(field(Meeting, "repeats_daily"), True), shown(field(Meeting, "repeats_daily"), False)) == (
        "oui",
        "non",
    )


def test_a_relation_is_shown_by_name_and_a_deleted_one_by_its_number(director, establishment):
    owner = field(RidaLine, "owner")
    assert shown(owner, director.pk) == shown(owner, director) == "Claire Directrice"
    assert shown(field(Crisis, "establishment"), establishment.pk) == "Centre hospitalier A"
    assert shown(owner, 987654) == "n° 987654 (supprimé)"
    assert shown(owner, director.pk, related={(type(director), director.pk): "Dr Claire"}) == "Dr Claire"


def test_empty_values_are_a_dash():
    assert {
        shown(field(RidaLine, name), value) for name, value in [("answer", ""), ("owner", None), ("due_at", None)]
    } == {"—"}


def test_the_history_model_shows_its_changes_with_the_same_function(crisis, director):
    record_update(instance=crisis, by=director, changes={"awareness_at": datetime(2026, 1, 15, 23, 30, tzinfo=UTC)})
    (change,) = [c for c in history(crisis) if c.action == "update"]
    assert change.changes() == [("prise de connaissance", "—", "16/01/2026 00:30")]


def test_live_topics_are_counted_per_scope(crisis, establishment):
    live.bump(crisis, "beds")
    live.bump(establishment, "beds")
    live.bump(establishment, "beds")
    assert (counter(crisis, "beds"), counter(establishment, "beds")) == (1, 2)
    assert live.version(crisis, ["beds"]) == "3"  # a crisis page sees its establishment's changes too
    assert live.version(establishment, ["beds"]) == "3"  # and an establishment page its crises'
    assert live.version(Establishment.objects.create(name="C", short_name="CH-C"), ["beds"]) == "0"

"""seed_demo: the demo establishment, one account per role, an admin, the replayed night; run twice, same data."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Max, Min
from django.urls import reverse

from crisis.demo.seed import DEMO_CRISIS_TITLE, DEMO_EXERCISE_TITLE, DEMO_PEOPLE, SCENARIO
from crisis.models import Crisis, JournalEntry, Membership
from tests.conftest import login

User = get_user_model()
PASSWORD = "demo-pour-les-tests"


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> tuple[int, ...]:
    return (
        User.objects.count(),
        Membership.objects.count(),
        Crisis.objects.count(),
        JournalEntry.objects.count(),
    )


@pytest.fixture
def demo(db, settings):
    settings.DEMO_PASSWORD = PASSWORD
    return seed()


def test_it_creates_one_account_per_role_with_the_demo_password(demo):
    for username, role, _first, _last, position in DEMO_PEOPLE:
        user = User.objects.get(username=username)
        assert user.check_password(PASSWORD) and not user.is_staff, username
        membership = Membership.objects.get(user=user)
        assert (membership.role, membership.position, membership.is_active) == (role, position, True)
    assert {"directeur", "secretaire", "observateur", "pris"} <= set(User.objects.values_list("username", flat=True))


def test_it_creates_a_demo_superuser_admin_outside_any_cell(demo):
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff and admin.is_active and admin.check_password(PASSWORD)
    assert not Membership.objects.filter(user=admin).exists()


def test_it_replays_the_night_and_the_exercise(demo):
    assert "13 comptes" in demo
    night = Crisis.objects.get(title=DEMO_CRISIS_TITLE)
    assert (
        JournalEntry.objects.filter(crisis=night).count() > 20
        and Crisis.objects.get(title=DEMO_EXERCISE_TITLE).is_exercise
    )


def test_run_twice_it_changes_nothing_but_restores_the_passwords(demo, settings):
    before = counts()
    User.objects.filter(username__in=["directeur", "admin"]).update(password="!", is_superuser=False)
    output = seed()
    assert counts() == before and "aucune nouvelle crise" in output
    assert User.objects.get(username="directeur").check_password(PASSWORD)
    assert User.objects.get(username="admin").is_superuser


def test_the_admin_and_the_api_docs_are_linked_for_those_who_may_use_them(demo, client):
    admin, director = User.objects.get(username="admin"), User.objects.get(username="directeur")
    page = login(client, director).get(reverse("crisis:home")).content.decode()
    assert f'href="{reverse("api-docs")}"' in page and f'href="{reverse("admin:index")}"' not in page
    page = login(client, admin).get(reverse("crisis:home")).content.decode()
    assert f'href="{reverse("api-docs")}"' in page and f'href="{reverse("admin:index")}"' in page
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("api-docs")).status_code == 200


def test_the_open_crisis_is_tonights_and_last_months_is_closed_with_its_whole_history(demo):
    from datetime import timedelta

    from django.utils import timezone

    from crisis.demo.seed import DEMO_PAST_TITLE
    from crisis.models import RecordChange, RidaLine

    now = timezone.now()
    night = Crisis.objects.get(title=DEMO_CRISIS_TITLE)
    assert night.closed_at is None
    assert now - timedelta(hours=12) < night.detected_at < now - timedelta(hours=2)
    # Events at their own times, nothing in the future.
    entries = JournalEntry.objects.filter(crisis=night)
    assert entries.filter(occurred_at__lt=night.detected_at - timedelta(hours=5)).count() == 0
    assert not entries.filter(occurred_at__gt=now).exists()
    assert entries.filter(recorded_at__lt=now - timedelta(hours=1)).count() > 10
    # RIDA answers and their history dated with the events they answer, not with the seeding.
    lines = RidaLine.objects.filter(crisis=night)
    assert lines.exists()
    from django.contrib.contenttypes.models import ContentType

    changes = RecordChange.objects.filter(content_type=ContentType.objects.get_for_model(RidaLine))
    for line in lines:
        created = changes.get(object_id=line.pk, action="create")
        assert abs(created.changed_at - line.created_at) < timedelta(minutes=1), line.number
        for change in changes.filter(object_id=line.pk):
            assert change.changed_at < line.created_at + timedelta(hours=2), line.number
    past = Crisis.objects.get(title=DEMO_PAST_TITLE)
    assert past.closed_at is not None and now - timedelta(days=62) < past.detected_at < now - timedelta(days=30)
    # Its whole history: the scenario replayed to its last inject, four weeks on, then closed (tonight's
    # stops at now, and the apps add to it).
    last_inject = timedelta(minutes=json.loads(SCENARIO.read_text(encoding="utf-8"))["injects"][-1]["t"])
    span = JournalEntry.objects.filter(crisis=past).aggregate(first=Min("occurred_at"), last=Max("occurred_at"))
    assert span["last"] - span["first"] > last_inject - timedelta(hours=3)
    assert JournalEntry.objects.filter(crisis=past).count() > 30

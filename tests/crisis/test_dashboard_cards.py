"""The crisis dashboard's cards stay cheap: each reads what it shows in a bounded number of queries, and the
phase form of the situation card writes what Django's widgets would.

Personas: director decides (sees the phase form), scribe writes the journal (owns RIDA actions here).
"""

from datetime import timedelta

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.html import parse_html
from django.urls import reverse
from django.utils import timezone, translation

from crisis import selectors, services
from crisis.forms import PhaseForm
from tests.conftest import login

DJANGO_PHASE_FIELDS = (
    '<div class="field">{{ form.phase.label_tag }}{{ form.phase }}</div>'
    '<div class="field grow">{{ form.note.label_tag }}{{ form.note }}</div>'
)


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("phase", ["alerte", "eviction", "retex"])
def test_the_phase_inputs_render_what_djangos_widgets_render(phase, language):
    with translation.override(language):
        form = PhaseForm(initial={"phase": phase})
        expected = Template(DJANGO_PHASE_FIELDS).render(Context({"form": form}))
        written = render_to_string("crisis/cards/situation.html#phase-fields", {"card": {"phase_form": form}})
    assert parse_html(written) == parse_html(expected)


def test_the_rida_counters_are_one_query_and_count_what_the_orm_counts(
    crisis, director, scribe, django_assert_num_queries
):
    from django.db.models import Count, Q

    from crisis.models import RidaLine

    now = timezone.now()
    for n, (owner, due) in enumerate([(scribe, now - timedelta(hours=1)), (scribe, now + timedelta(hours=1))]):
        services.rida_create(crisis=crisis, by=director, kind="action", text=f"Action {n}", owner=owner, due_at=due)
    services.rida_create(crisis=crisis, by=director, kind="action", text="À d'autres", due_at=now - timedelta(hours=2))
    services.rida_create(crisis=crisis, by=director, kind="information", text="Une information")
    with django_assert_num_queries(1):
        counters = selectors.rida_counters(crisis, scribe, now)
    assert counters == {"open": 3, "overdue": 2, "mine": 2, "my_overdue": 1}
    for user in (scribe, director):
        open_lines = Q(status__in=RidaLine.OPEN_STATUSES)
        late = open_lines & Q(due_at__lte=now)
        expected = RidaLine.objects.filter(crisis=crisis).aggregate(
            open=Count("pk", filter=open_lines),
            overdue=Count("pk", filter=late),
            mine=Count("pk", filter=open_lines & Q(owner=user)),
            my_overdue=Count("pk", filter=late & Q(owner=user)),
        )
        assert selectors.rida_counters(crisis, user, now) == expected


def test_the_rida_counters_of_an_empty_rida_are_zeros(crisis, director):
    assert selectors.rida_counters(crisis, director) == {"open": 0, "overdue": 0, "mine": 0, "my_overdue": 0}


def test_the_dashboard_reads_a_bounded_number_of_queries(client, crisis, director, scribe, kit_data):
    due = timezone.now() + timedelta(hours=1)
    for n in range(3):  # the director's own actions are listed on the decisions card
        services.rida_create(crisis=crisis, by=director, kind="action", text=f"Action {n}", owner=director, due_at=due)
    services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, deputy=director)
    login(client, director)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    client.get(url)  # the obligations are created on the first look
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200 and "RIDA-003" in response.content.decode()
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INSERT", "UPDATE", "DELETE"))]
    # Session, access, counters; then the cards: two or three statements each, and the kit's planning (its
    # kits, the directory's parts and its two lists' summaries, the procedures, the beds) about fifteen.
    assert len(queries.captured_queries) <= 36


def test_the_roster_reads_three_queries_whoever_holds_the_roles(crisis, director, scribe, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.roster(crisis) == []
    services.shift_start(crisis=crisis, by=director, role="dsi", holder=scribe, deputy=director)
    services.shift_start(crisis=crisis, by=director, role="directeur", holder=director)
    with django_assert_num_queries(3):  # the shifts, their people, the holders' recent shifts
        duties = selectors.roster(crisis)
        names = [(d.shift.holder.username, d.shift.deputy and d.shift.deputy.username) for d in duties]
    assert sorted(names) == [("director", None), ("scribe", "director")]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_label_filter_says_what_get_display_says(crisis, director, language):
    from crisis.models import JournalEntry, Shift
    from crisis.templatetags.crisis_tags import label

    entry = JournalEntry(kind="decision")
    shift = Shift(role="dsi")
    with translation.override(language):
        assert label(crisis, "phase") == crisis.get_phase_display()
        assert label(crisis, "severity") == crisis.get_severity_display()
        assert label(crisis, "kind") == crisis.get_kind_display()
        assert label(entry, "kind") == entry.get_kind_display()
        assert label(shift, "role") == shift.get_role_display()
        entry.kind = "inconnu"
        assert label(entry, "kind") == entry.get_kind_display() == "inconnu"


def test_the_decisions_card_is_shared_and_each_member_gets_their_own_actions(client, crisis, director, scribe):
    """The card's common part (decisions, open and overdue counts) is rendered once; the count and the
    list of one's own actions are each member's: never another member's."""
    now = timezone.now()
    services.rida_create(
        crisis=crisis,
        by=director,
        kind="action",
        text="Rappeler la pharmacie",
        owner=scribe,
        due_at=now - timedelta(hours=1),
    )
    services.rida_create(crisis=crisis, by=director, kind="action", text="Prévenir l'ARS", owner=director)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    cards = {}
    for user in (scribe, director, scribe):
        login(client, user)
        body = client.get(url).content.decode()
        card = body[body.index('id="decisions-card"') :]
        cards[user.username] = card[: card.index("</ul>") if "</ul>" in card else card.index("Décisions →")]
    assert "Rappeler la pharmacie" in cards["scribe"] and "Prévenir l&#x27;ARS" not in cards["scribe"]
    assert "Prévenir l&#x27;ARS" in cards["director"] and "Rappeler la pharmacie" not in cards["director"]
    assert f"?owner={scribe.pk}" in cards["scribe"] and f"?owner={director.pk}" in cards["director"]
    assert "1 en retard" in cards["scribe"] and "1 en retard" not in cards["director"]
    assert "<!--own" not in cards["scribe"] + cards["director"]


def test_the_header_reverses_its_navigation_once_and_keeps_the_right_urls(client, crisis, director):
    from unittest import mock

    from crisis import plugins

    login(client, director)
    url = reverse("crisis:dashboard", args=[crisis.pk])
    first = client.get(url).content.decode()
    with mock.patch.object(plugins, "reverse", wraps=plugins.reverse) as reversed_:
        again = client.get(url).content.decode()
    assert reversed_.call_count == 0
    assert f'href="{reverse("crisis:journal", args=[crisis.pk])}"' in again
    assert first.count('aria-current="page"') == again.count('aria-current="page"') == 1


def test_my_actions_are_counted_in_full_and_the_five_closest_listed(
    crisis, director, scribe, observer, django_assert_num_queries
):
    """A member who owns many actions: the card counts them all (and the overdue ones) without
    loading them, and lists the five closest due, in one query (each member's dashboard poll asks
    it after every RIDA change)."""
    now = timezone.now()
    for n in range(8):
        due = now + timedelta(hours=n - 2, minutes=1)  # two already overdue
        services.rida_create(crisis=crisis, by=director, kind="action", text=f"Appel {n}", owner=scribe, due_at=due)
    services.rida_create(crisis=crisis, by=director, kind="action", text="Autre", owner=director, due_at=now)
    done = services.rida_create(crisis=crisis, by=director, kind="action", text="Faite", owner=scribe, due_at=now)
    services.rida_update(line=done, by=director, status="fait")
    services.rida_create(crisis=crisis, by=director, kind="action", text="Sans échéance", owner=scribe)
    with django_assert_num_queries(1):
        own = selectors.my_rida(crisis, scribe, now)
    assert (own["mine"], own["my_overdue"]) == (9, 2)
    assert [line.text for line in own["actions"]] == [f"Appel {n}" for n in range(5)]
    first = own["actions"][0]
    assert (first.number, first.crisis_id, first.due_at.tzinfo is not None) == ("RIDA-001", crisis.pk, True)
    everything = selectors.my_rida(crisis, scribe, now, shown=20)["actions"]
    assert [line.text for line in everything] == [f"Appel {n}" for n in range(8)] + ["Sans échéance"]  # no date last
    earlier = selectors.my_rida(crisis, director, now - timedelta(days=1))
    assert (earlier["mine"], earlier["my_overdue"], [line.text for line in earlier["actions"]]) == (1, 0, ["Autre"])
    assert selectors.my_rida(crisis, observer, now) | {"now": None} == {
        "mine": 0,
        "my_overdue": 0,
        "actions": [],
        "now": None,
    }


def test_each_own_action_is_rendered_once_and_again_when_what_it_shows_changes(crisis, director, scribe):
    """The member's open actions are kept rendered line by line: the next poll joins them, a line
    edited, or come overdue, is rendered again (and shows the change)."""
    from unittest import mock

    from crisis import cards

    now = timezone.now()
    soon = services.rida_create(
        crisis=crisis, by=director, kind="action", text="Rappeler la pharmacie", owner=scribe, due_at=now
    )
    services.rida_create(crisis=crisis, by=director, kind="action", text="Compter les lits", owner=scribe)

    def rendered_items() -> tuple[list[str], int]:
        with mock.patch.object(cards, "render_to_string", wraps=cards.render_to_string) as render:
            items = [str(item) for item in cards.my_actions(crisis, scribe)["items"]]
        return items, render.call_count

    first, renders = rendered_items()
    assert renders == 2 and 'class="overdue"' in first[0] and "Rappeler la pharmacie" in first[0]
    assert rendered_items() == (first, 0)
    services.rida_update(line=soon, by=director, text="Rappeler la pharmacie centrale")
    edited, renders = rendered_items()
    assert renders == 1 and "Rappeler la pharmacie centrale" in edited[0] and edited[1] == first[1]
    services.rida_update(line=soon, by=director, due_at=now + timedelta(hours=2))
    later, renders = rendered_items()
    assert renders == 1 and 'class="overdue"' not in later[0] and "centrale" in later[0] and later[1] == first[1]

"""The RIDA, meeting and decision pages: plain forms without JavaScript, htmx rows, live polls, permissions."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crisis import live, services
from crisis.models import Meeting, RidaLine
from crisis.views.rida import RIDA_TOPICS
from tests.conftest import login


def add(crisis, by, text="Prévenir la pharmacie.", **fields):
    return services.rida_create(crisis=crisis, by=by, text=text, **fields)


def test_the_table_shows_lines_with_overdue_ones_highlighted(client, crisis, scribe):
    add(crisis, scribe, text="Déjà en retard", due_at=timezone.now() - timedelta(hours=1))
    add(crisis, scribe, text="Pour demain", due_at=timezone.now() + timedelta(days=1))
    response = login(client, scribe).get(reverse("crisis:rida", args=[crisis.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "RIDA-001" in html and "RIDA-002" in html
    late_row = html[html.index('id="rida-1'.replace("1", str(RidaLine.objects.get(seq=1).pk))) - 200 :][:400]
    assert "overdue-row" in late_row
    assert html.count("overdue-row") == 1


def test_the_table_filters_accent_insensitively_and_mes_actions(client, crisis, scribe, director):
    add(crisis, scribe, text="Étiquettes du laboratoire", owner=scribe)
    add(crisis, scribe, text="Appeler l'ARS", owner=director)
    page = login(client, scribe).get(reverse("crisis:rida", args=[crisis.pk]), {"q": "etiquettes"}).content.decode()
    assert "Étiquettes du laboratoire" in page and "Appeler l&#x27;ARS" not in page
    mine = client.get(reverse("crisis:rida", args=[crisis.pk]), {"owner": scribe.pk}).content.decode()
    assert "Étiquettes du laboratoire" in mine and "Appeler l&#x27;ARS" not in mine


def test_a_line_is_created_with_a_plain_form(client, crisis, scribe, director):
    response = login(client, scribe).post(
        reverse("crisis:rida", args=[crisis.pk]),
        {"kind": "action", "text": "Imprimer les plannings.", "owner": director.pk, "theme": "RH"},
    )
    assert response.status_code == 302
    line = RidaLine.objects.get()
    assert (line.number, line.owner, line.theme, line.created_by) == ("RIDA-001", director, "RH", scribe)


def test_the_new_line_form_is_shown_on_request_to_rida_managers_only(client, crisis, scribe, observer):
    url = reverse("crisis:rida", args=[crisis.pk])
    assert 'id="nouvelle"' not in login(client, scribe).get(url).content.decode()
    assert 'id="nouvelle"' in client.get(url, {"nouvelle": 1}).content.decode()
    assert 'id="nouvelle"' not in login(client, observer).get(url, {"nouvelle": 1}).content.decode()


def test_a_line_without_text_shows_the_error_and_saves_nothing(client, crisis, scribe):
    response = login(client, scribe).post(reverse("crisis:rida", args=[crisis.pk]), {"kind": "action", "text": ""})
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not RidaLine.objects.exists()


def test_suite_a_donner_creates_an_action_from_a_journal_entry_linked_both_ways(client, crisis, scribe):
    entry = services.journal_append(crisis=crisis, by=scribe, text="Les familles ne joignent plus les chambres.")
    entry_url = reverse("crisis:journal-entry", args=[crisis.pk, entry.seq])
    page = login(client, scribe).get(entry_url).content.decode()
    assert 'id="follow-up-form"' in page and f'value="{entry.pk}"' in page
    response = client.post(
        reverse("crisis:rida", args=[crisis.pk]),
        {"kind": "action", "text": entry.text, "source_entry": entry.pk, "next": entry_url},
    )
    assert response.status_code == 302 and response["Location"] == entry_url
    line = RidaLine.objects.get()
    assert line.source_entry == entry
    back = client.get(entry_url).content.decode()
    assert reverse("crisis:rida-line", args=[crisis.pk, line.pk]) in back and "RIDA-001" in back
    detail = client.get(reverse("crisis:rida-line", args=[crisis.pk, line.pk])).content.decode()
    assert entry_url in detail


def test_an_unsafe_next_is_ignored(client, crisis, scribe):
    response = login(client, scribe).post(
        reverse("crisis:rida", args=[crisis.pk]), {"kind": "action", "text": "x", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("crisis:rida", args=[crisis.pk])


def test_the_inline_status_change_returns_the_row_for_htmx(client, crisis, scribe):
    line = add(crisis, scribe)
    url = reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk])
    response = login(client, scribe).post(url, {"status": "en_cours"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="rida-{line.pk}"') and '<option value="en_cours" selected' in html
    line.refresh_from_db()
    assert line.status == "en_cours"


def test_the_row_saved_inline_says_so_to_a_screen_reader_and_only_when_something_changed(client, crisis, scribe):
    line = add(crisis, scribe)
    url = reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk])
    saved = login(client, scribe).post(url, {"status": "en_cours"}, HTTP_HX_REQUEST="true").content.decode()
    assert f'data-said="{line.number} enregistrée."' in saved
    same = client.post(url, {"status": "en_cours"}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-said" not in same
    refused = client.post(url, {"status": "abandonne"}, HTTP_HX_REQUEST="true").content.decode()
    assert "data-said" not in refused and 'role="alert"' in refused


def test_the_overdue_line_says_it_in_words_not_only_in_colour(client, crisis, scribe):
    add(crisis, scribe, text="Déjà en retard", due_at=timezone.now() - timedelta(hours=1))
    html = login(client, scribe).get(reverse("crisis:rida", args=[crisis.pk])).content.decode()
    row = html[html.index("overdue-row") :][:2000]
    assert 'class="overdue-words"' in row and "en retard" in row


def test_the_inline_change_without_javascript_redirects_to_the_table(client, crisis, scribe, director):
    line = add(crisis, scribe)
    url = reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk])
    response = login(client, scribe).post(url, {"status": "a_faire", "owner": director.pk, "next": "/crises/"})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.owner == director


def test_abandoning_inline_asks_for_the_reason(client, crisis, scribe):
    line = add(crisis, scribe)
    url = reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk])
    response = login(client, scribe).post(url, {"status": "abandonne"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'name="abandon_reason"' in html and "Une ligne abandonnée doit dire pourquoi." in html
    line.refresh_from_db()
    assert line.status == "a_faire"
    client.post(url, {"status": "abandonne", "abandon_reason": "Doublon"}, HTTP_HX_REQUEST="true")
    line.refresh_from_db()
    assert (line.status, line.abandon_reason) == ("abandonne", "Doublon")


def test_the_detail_shows_the_history_and_saves_changes(client, crisis, scribe, director):
    line = add(crisis, scribe)
    services.rida_update(line=line, by=director, status="en_cours")
    url = reverse("crisis:rida-line", args=[crisis.pk, line.pk])
    page = login(client, scribe).get(url).content.decode()
    assert "Historique" in page and "Claire Directrice" in page and "En cours" in page
    form = {
        "theme": "",
        "text": line.text,
        "owner": "",
        "owner_other": "Biomédical",
        "due_at": "",
        "status": "fait",
        "answer": "Pousse-seringues livrés.",
        "abandon_reason": "",
    }
    assert client.post(url, form).status_code == 302
    line.refresh_from_db()
    assert (line.status, line.owner_other, line.answer) == ("fait", "Biomédical", "Pousse-seringues livrés.")
    assert line.closure_validated_by == scribe


def test_the_table_poll_answers_204_until_a_line_changes(client, crisis, scribe, director):
    line = add(crisis, scribe)
    version = live.version(crisis, RIDA_TOPICS)
    url = reverse("crisis:rida", args=[crisis.pk])
    login(client, director)
    assert client.get(url, {"v": version}, HTTP_HX_REQUEST="true").status_code == 204
    services.rida_update(line=line, by=scribe, status="fait")
    response = client.get(url, {"v": version}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and 'id="rida-live"' in response.content.decode()
    assert "<html" not in response.content.decode()


def test_the_observer_reads_the_pages_and_cannot_write(client, crisis, director, observer):
    line = add(crisis, director)
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    login(client, observer)
    for url in (
        reverse("crisis:rida", args=[crisis.pk]),
        reverse("crisis:rida-line", args=[crisis.pk, line.pk]),
        reverse("crisis:meetings", args=[crisis.pk]),
        reverse("crisis:meeting", args=[crisis.pk, meeting.pk]),
        reverse("crisis:decisions", args=[crisis.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert 'method="post" action="/crises' not in response.content.decode().replace("logout", ""), url
    writes = [
        (reverse("crisis:rida", args=[crisis.pk]), {"kind": "action", "text": "x"}),
        (reverse("crisis:rida-line", args=[crisis.pk, line.pk]), {"status": "fait"}),
        (reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk]), {"status": "fait"}),
        (reverse("crisis:meetings", args=[crisis.pk]), {"kind": "cellule"}),
        (reverse("crisis:meeting-start", args=[crisis.pk, meeting.pk]), {}),
        (reverse("crisis:meeting-end", args=[crisis.pk, meeting.pk]), {}),
        (reverse("crisis:decisions", args=[crisis.pk]), {"gate": "coupure_reseau"}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    line.refresh_from_db()
    assert line.status == "a_faire" and RidaLine.objects.count() == 1


def test_an_outsider_gets_404_on_every_page(client, crisis, director, outsider):
    line = add(crisis, director)
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    login(client, outsider)
    for url in (
        reverse("crisis:rida", args=[crisis.pk]),
        reverse("crisis:rida-line", args=[crisis.pk, line.pk]),
        reverse("crisis:meeting", args=[crisis.pk, meeting.pk]),
        reverse("crisis:decisions", args=[crisis.pk]),
    ):
        assert client.get(url).status_code == 404
    for url in (
        reverse("crisis:rida", args=[crisis.pk]),
        reverse("crisis:rida-line", args=[crisis.pk, line.pk]),
        reverse("crisis:rida-line-quick", args=[crisis.pk, line.pk]),
        reverse("crisis:meeting-start", args=[crisis.pk, meeting.pk]),
        reverse("crisis:decisions", args=[crisis.pk]),
    ):
        assert client.post(url, {}).status_code == 404


@pytest.mark.parametrize("name", ["crisis:rida-line-quick", "crisis:meeting-start"])
def test_wrong_methods_are_405(client, crisis, director, name):
    line = add(crisis, director)
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    target = line.pk if name.startswith("crisis:rida") else meeting.pk
    assert login(client, director).get(reverse(name, args=[crisis.pk, target])).status_code == 405
    assert client.delete(reverse("crisis:rida-line", args=[crisis.pk, line.pk])).status_code == 405


def test_the_meeting_page_counts_down_and_warns_at_25_minutes(client, crisis, director):
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now() - timedelta(minutes=26))
    services.meeting_start(meeting=meeting, by=director, at=timezone.now() - timedelta(minutes=26))
    html = login(client, director).get(reverse("crisis:meeting", args=[crisis.pk, meeting.pk])).content.decode()
    assert "data-countdown-end=" in html and 'class="countdown warn"' in html
    assert "min restantes" in html and "Il reste 5 minutes" in html
    assert "Ordre du jour" in html and "Nouveaux signalements depuis le dernier point" in html


def test_the_meeting_is_opened_and_closed_with_plain_forms(client, crisis, director):
    meeting = services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    login(client, director)
    assert client.post(reverse("crisis:meeting-start", args=[crisis.pk, meeting.pk])).status_code == 302
    assert client.post(reverse("crisis:meeting-end", args=[crisis.pk, meeting.pk])).status_code == 302
    meeting.refresh_from_db()
    assert meeting.started_at and meeting.ended_at and meeting.overrun_minutes == 0


def test_a_meeting_is_planned_from_its_form(client, crisis, director, scribe):
    response = login(client, director).post(
        reverse("crisis:meetings", args=[crisis.pk]),
        {
            "kind": "point_technique",
            "scheduled_at": "2030-01-01T08:30",
            "max_minutes": 30,
            "chair": director.pk,
            "attendees": [scribe.pk],
            "guests": "ANSSI\nARS\n",
            "repeats_daily": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    meeting = Meeting.objects.get(crisis=crisis)
    assert (meeting.kind, meeting.chair, meeting.guests, meeting.repeats_daily) == (
        "point_technique",
        director,
        ["ANSSI", "ARS"],
        True,
    )
    assert list(meeting.attendees.all()) == [scribe]


def test_closing_the_emergency_department_from_its_button_shows_on_the_dashboard(client, crisis, director):
    login(client, director)
    response = client.post(
        reverse("crisis:decisions", args=[crisis.pk]),
        {
            "gate": "urgences_fermees",
            "occurred_at": "",
            "reassess_at": (timezone.localtime() + timedelta(hours=12)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    card = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert "fermées depuis" in card and "prochaine réévaluation" in card
    assert 'class="card decisions-card"' in card and "data-due-at=" in card


def test_a_reassessment_falling_due_turns_the_dashboard_card_red(client, crisis, director):
    login(client, director)
    services.decision_record(
        crisis=crisis,
        by=director,
        gate="urgences_fermees",
        occurred_at=timezone.now() - timedelta(hours=13),
        reassess_at=timezone.now() - timedelta(minutes=1),
    )
    card = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert 'class="card decisions-card overdue"' in card


def test_a_decision_without_its_required_field_shows_the_error(client, crisis, director):
    response = login(client, director).post(reverse("crisis:decisions", args=[crisis.pk]), {"gate": "urgences_fermees"})
    assert response.status_code == 400
    assert "prochaine réévaluation" in response.content.decode()
    assert not RidaLine.objects.exists()


def test_activating_the_cell_opens_the_roster(client, crisis, director):
    response = login(client, director).post(
        reverse("crisis:decisions", args=[crisis.pk]), {"gate": "activation_cellule"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("crisis:roster", args=[crisis.pk])
    crisis.refresh_from_db()
    assert crisis.phase == "mobilisation"


def test_the_follow_up_buttons_say_what_they_create(client, crisis, director):
    entry = services.journal_append(crisis=crisis, by=director, text="La téléradiologie est coupée.")
    login(client, director)
    page = client.get(reverse("crisis:journal-entry", args=[crisis.pk, entry.seq])).content.decode()
    assert "Créer une action au RIDA (à faire)" in page and "Noter comme information au RIDA" in page
    client.post(
        reverse("crisis:rida", args=[crisis.pk]),
        {"kind": ["action", "information"], "text": entry.text, "source_entry": entry.pk},
    )
    created = RidaLine.objects.get(source_entry=entry)
    assert (created.kind, created.status) == ("information", "fait")


DJANGO_RIDA_FILTER_FIELDS = """{% for field in filter_form %}
<div class="field{% if field.name == 'q' %} grow{% endif %}">{% if field.name == "overdue" %}<label class="inline-check">{{ field }} {{ field.label }}</label>{% else %}{{ field.label_tag }}{{ field }}{% endif %}{{ field.errors }}</div>
{% endfor %}"""


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"kind": "action", "status": "fait", "owner": "OWNER", "theme": "Lits", "overdue": "on", "q": '<x> & "y"'},
        {"kind": "zz", "status": "", "owner": "999999", "theme": "Inconnu", "overdue": "1", "q": "x" * 201},
        {"overdue": "false"},
    ],
)
@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_filter_inputs_render_what_djangos_widgets_render(crisis, scribe, director, data, language):
    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.test.html import parse_html
    from django.utils import translation

    from crisis import selectors
    from crisis.forms import RidaFilterForm
    from crisis.forms.members import members_of

    add(crisis, director, theme="Lits")
    add(crisis, director, theme="<Téléphonie>")
    if data and data.get("owner") == "OWNER":
        data = {**data, "owner": str(scribe.pk)}
    with translation.override(language):
        form = RidaFilterForm(
            data,
            crisis=crisis,
            members=list(members_of(crisis)),
            themes=selectors.rida_themes(crisis),
            auto_id="filtre_%s",
        )
        form.filters()
        expected = Template(DJANGO_RIDA_FILTER_FIELDS).render(Context({"filter_form": form}))
        written = render_to_string("crisis/rida.html#filter-fields", {"filter_form": form})
    assert parse_html(written) == parse_html(expected)

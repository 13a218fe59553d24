"""The journal page: quick entry, filters, pages, live poll; scoped and capability-checked."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crisis import live, services
from crisis.models import JournalEntry, Membership, Role
from crisis.views.journal import JOURNAL_TOPICS
from tests.conftest import image_bytes, make_user

PNG = image_bytes()


def journal_url(crisis):
    return reverse("crisis:journal", args=[crisis.pk])


def test_the_journal_lists_entries_newest_first(client, crisis, scribe):
    services.journal_append(crisis=crisis, by=scribe, text="Premier appel du laboratoire")
    services.journal_append(crisis=crisis, by=scribe, text="Fichiers chiffrés sur les partages", priority="urgent")
    client.force_login(scribe)
    body = client.get(journal_url(crisis)).content.decode()
    assert body.index("Fichiers chiffrés") < body.index("Premier appel")
    assert 'class="entry urgent' in body


def test_a_post_without_javascript_adds_the_entry_and_redirects(client, crisis, scribe):
    client.force_login(scribe)
    response = client.post(
        journal_url(crisis),
        {
            "kind": "fait",
            "text": "Le laboratoire appelle.",
            "priority": "normal",
            "channel": "telephone",
            "sender": "Biologiste",
            "recipient": "Astreinte DSI",
            "date": "2026-01-01",
            "time": "03:00",
        },
    )
    assert response.status_code == 302 and response["Location"] == journal_url(crisis)
    entry = crisis.journal_entries.order_by("-seq").first()
    assert (entry.text, entry.sender, entry.recorded_by) == ("Le laboratoire appelle.", "Biologiste", scribe)
    assert entry.occurred_at.isoformat().startswith("2026-01-01T02:00")  # 03:00 Paris is 02:00 UTC


def test_an_htmx_post_answers_a_fresh_form_and_announces_the_change(client, crisis, scribe):
    client.force_login(scribe)
    response = client.post(
        journal_url(crisis),
        {"kind": "action", "text": "Coupure internet", "priority": "urgent", "channel": "sur_site"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert json.loads(response["HX-Trigger"]) == {"journal-changed": {}}
    assert 'id="entry-form"' in response.content.decode()
    assert crisis.journal_entries.filter(text="Coupure internet", kind="action").exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "fait", "text": ""}, "obligatoire"),
        ({"kind": "rumeur", "text": "x"}, "rumeur"),
        ({"kind": "fait", "text": "x", "date": "2099-01-01", "time": "0000"}, "futur"),
        ({"kind": "fait", "text": "x", "date": "0001-01-01", "time": "0000"}, "limites"),
        ({"kind": "fait", "text": "x" * 20_001}, "20000"),
        ({"kind": "fait", "text": "x", "date": "pas une date", "time": "0300"}, "date"),
        ({"kind": "fait", "text": "x", "time": "25h00"}, "heure invalide"),
    ],
)
def test_bad_input_shows_an_error_and_saves_nothing(client, crisis, scribe, data, message):
    client.force_login(scribe)
    before = crisis.journal_entries.count()
    data = {"priority": "normal", "channel": "telephone", **data}
    response = client.post(journal_url(crisis), data)
    assert response.status_code == 400
    assert message in response.content.decode().lower()
    assert crisis.journal_entries.count() == before


def test_a_photo_of_a_paper_note_is_attached_and_served_to_members(client, crisis, scribe, observer):
    client.force_login(scribe)
    photo = SimpleUploadedFile("note.png", PNG, content_type="image/png")
    response = client.post(
        journal_url(crisis),
        {"kind": "fait", "text": "Note du standard", "priority": "normal", "channel": "papier", "attachment": photo},
    )
    assert response.status_code == 302
    entry = crisis.journal_entries.get(text="Note du standard")
    assert entry.attachment_sha256 and entry.attachment.name.endswith(".png")
    client.force_login(observer)
    served = client.get(reverse("crisis:journal-attachment", args=[crisis.pk, entry.seq]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == PNG


@pytest.mark.parametrize(
    "name, content",
    [("note.exe", b"MZ\x90\x00"), ("note.png", b"GIF89a not a png"), ("note.pdf", b"<html>")],
)
def test_an_attachment_of_the_wrong_type_is_refused(client, crisis, scribe, name, content):
    client.force_login(scribe)
    upload = SimpleUploadedFile(name, content)
    response = client.post(
        journal_url(crisis),
        {"kind": "fait", "text": "Pièce douteuse", "priority": "normal", "channel": "papier", "attachment": upload},
    )
    assert response.status_code == 400
    assert not crisis.journal_entries.filter(text="Pièce douteuse").exists()


def test_an_oversized_attachment_is_refused(client, crisis, scribe, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    client.force_login(scribe)
    upload = SimpleUploadedFile("grand.png", PNG + b"\x00" * 200)
    response = client.post(
        journal_url(crisis),
        {"kind": "fait", "text": "Trop lourd", "priority": "normal", "channel": "papier", "attachment": upload},
    )
    assert response.status_code == 400 and "volumineux" in response.content.decode()
    assert not crisis.journal_entries.filter(text="Trop lourd").exists()


def test_the_observer_reads_but_cannot_write(client, crisis, observer):
    client.force_login(observer)
    page = client.get(journal_url(crisis))
    assert page.status_code == 200 and 'id="entry-form"' not in page.content.decode()
    assert (
        client.post(
            journal_url(crisis), {"kind": "fait", "text": "x", "priority": "normal", "channel": "autre"}
        ).status_code
        == 403
    )
    entry_url = reverse("crisis:journal-entry", args=[crisis.pk, 1])
    assert client.post(entry_url, {"text": "correction"}).status_code == 403
    assert crisis.journal_entries.count() == 1


def test_an_outsider_gets_404_on_every_journal_url(client, crisis, outsider, scribe):
    entry = services.journal_append(crisis=crisis, by=scribe, text="x", attachment=SimpleUploadedFile("n.png", PNG))
    client.force_login(outsider)
    for url in (
        journal_url(crisis),
        journal_url(crisis) + "?v=0&after=0",
        reverse("crisis:journal-entry", args=[crisis.pk, entry.seq]),
        reverse("crisis:journal-attachment", args=[crisis.pk, entry.seq]),
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(
            journal_url(crisis), {"kind": "fait", "text": "intrus", "priority": "normal", "channel": "autre"}
        ).status_code
        == 404
    )
    assert client.post(reverse("crisis:journal-entry", args=[crisis.pk, entry.seq]), {"text": "x"}).status_code == 404
    assert not crisis.journal_entries.filter(text="intrus").exists()


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, crisis):
    response = client.get(journal_url(crisis))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_the_journal_refuses_other_methods(client, crisis, scribe):
    client.force_login(scribe)
    assert client.put(journal_url(crisis)).status_code == 405
    assert client.delete(reverse("crisis:journal-entry", args=[crisis.pk, 1])).status_code == 405


def journal_version(crisis) -> str:
    return live.version(crisis, JOURNAL_TOPICS)


def poll_url(crisis, after: int | None = None) -> str:
    """What the page's poller asks: its live version and the last entry it shows."""
    crisis.refresh_from_db()
    after = crisis.journal_last_seq if after is None else after
    return journal_url(crisis) + f"?v={journal_version(crisis)}&after={after}"


def test_nothing_new_answers_204_with_one_query_after_authentication(client, crisis, scribe):
    client.force_login(scribe)
    url = poll_url(crisis)
    client.get(url)  # warm the session cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.content == b""
    crisis_queries = [q for q in queries.captured_queries if "crisis" in q["sql"]]
    assert len(crisis_queries) == 1, queries.captured_queries


def test_nothing_new_costs_two_queries_at_most_session_with_user_and_the_versions(
    client, crisis, scribe, django_assert_max_num_queries
):
    """The price of every open console's poll: pinned, so a middleware or a lookup cannot creep in."""
    client.force_login(scribe)
    url = poll_url(crisis)
    with django_assert_max_num_queries(2) as queries:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.content == b""
    tables = ["web_session", "auth_user", "crisis_crisis"]
    assert [sum(f'"{t}"' in q["sql"] or f" {t} " in q["sql"] for q in queries.captured_queries) for t in tables] == [
        1,
        1,
        1,
    ], queries.captured_queries


def test_a_poll_that_renders_reads_the_crisis_with_the_version(client, crisis, scribe):
    """The access, the version and the crisis (its last number) in one statement, from one snapshot."""
    client.force_login(scribe)
    url = poll_url(crisis)
    services.journal_append(crisis=crisis, by=scribe, kind="fait", text="Appel du laboratoire")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Appel du laboratoire" in response.content.decode()
    access = [q["sql"] for q in queries.captured_queries if "crisis_membership" in q["sql"]]
    assert len(access) == 1 and "journal_last_seq" in access[0], queries.captured_queries


def test_the_cheap_poll_still_shuts_out_outsiders_former_members_and_unknown_crises(client, crisis, scribe, outsider):
    url = poll_url(crisis)
    client.force_login(outsider)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404
    client.force_login(scribe)
    assert client.get(reverse("crisis:journal", args=[crisis.pk + 1000]) + "?v=0&after=0").status_code == 404
    scribe.memberships.update(is_active=False)
    assert client.get(url, HTTP_HX_REQUEST="true").status_code == 404


def test_the_cheap_poll_refuses_a_role_without_the_read_capability(client, crisis, scribe, settings):
    settings.ROLE_CAPABILITIES = {"secretaire": set()}
    client.force_login(scribe)
    assert client.get(poll_url(crisis), HTTP_HX_REQUEST="true").status_code == 403


def test_the_poll_returns_only_new_entries_and_moves_the_cursor(client, crisis, scribe):
    client.force_login(scribe)
    crisis.refresh_from_db()
    seen, version = crisis.journal_last_seq, journal_version(crisis)
    services.journal_append(crisis=crisis, by=scribe, text="Nouvelle entrée d'un collègue")
    response = client.get(journal_url(crisis) + f"?v={version}&after={seen}", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Nouvelle entrée d&#x27;un collègue" in body
    assert "Ouverture de la main courante" not in body
    assert f"after={seen + 1}" in body


def test_the_poll_marks_a_corrected_entry_in_place(client, crisis, scribe):
    client.force_login(scribe)
    original = services.journal_append(crisis=crisis, by=scribe, text="03:00")
    crisis.refresh_from_db()
    seen, version = crisis.journal_last_seq, journal_version(crisis)
    services.journal_correct(original=original, by=scribe, text="02:50")
    body = client.get(journal_url(crisis) + f"?v={version}&after={seen}", HTTP_HX_REQUEST="true").content.decode()
    assert f'id="entry-{original.seq}" hx-swap-oob="true"' in body
    assert "corrigée" in body


def test_the_poll_marks_a_new_entry_corrected_by_another_new_one_with_or_without_filters(client, crisis, scribe):
    client.force_login(scribe)
    crisis.refresh_from_db()
    seen, version = crisis.journal_last_seq, journal_version(crisis)
    original = services.journal_append(crisis=crisis, by=scribe, text="Serveur arrêté à 03:00")
    services.journal_correct(original=original, by=scribe, text="Serveur arrêté à 02:50")
    for query in (f"?v={version}&after={seen}", f"?v={version}&after={seen}&q=serveur"):
        body = client.get(journal_url(crisis) + query, HTTP_HX_REQUEST="true").content.decode()
        entry = body[body.index(f'id="entry-{original.seq}"') :]
        assert "corrigée" in entry[: entry.index("</article>")]


def test_a_poll_with_a_filter_sends_only_matching_new_entries(client, crisis, scribe):
    client.force_login(scribe)
    crisis.refresh_from_db()
    seen, version = crisis.journal_last_seq, journal_version(crisis)
    services.journal_append(crisis=crisis, by=scribe, text="Décision de couper internet", kind="decision")
    services.journal_append(crisis=crisis, by=scribe, text="Appel de la presse", kind="communication")
    body = client.get(
        journal_url(crisis) + f"?v={version}&after={seen}&kind=decision", HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Décision de couper internet" in body and "Appel de la presse" not in body


def test_filters_narrow_the_list(client, crisis, scribe, director):
    services.journal_append(crisis=crisis, by=scribe, text="Décision de couper internet", kind="decision")
    services.journal_append(
        crisis=crisis, by=scribe, text="Appel de la presse", kind="communication", priority="urgent"
    )
    client.force_login(director)
    body = client.get(journal_url(crisis), {"kind": "decision", "q": "internet"}).content.decode()
    assert "Décision de couper internet" in body and "Appel de la presse" not in body
    body = client.get(journal_url(crisis), {"priority": "urgent"}).content.decode()
    assert "Appel de la presse" in body and "Décision de couper" not in body
    body = client.get(journal_url(crisis), {"author": director.pk}).content.decode()
    assert "Appel de la presse" not in body and "Ouverture de la main courante" in body


def test_pages_are_cut_by_sequence_number(client, crisis, scribe):
    for n in range(60):
        services.journal_append(crisis=crisis, by=scribe, text=f"entrée numéro {n:02d}")
    client.force_login(scribe)
    first = client.get(journal_url(crisis)).content.decode()
    assert "entrée numéro 59" in first and "entrée numéro 09" not in first
    assert "before=12" in first
    second = client.get(journal_url(crisis), {"before": 12}).content.decode()
    assert "entrée numéro 09" in second and "entrée numéro 59" not in second


def test_a_correction_from_the_entry_page_keeps_the_original(client, crisis, scribe):
    original = services.journal_append(crisis=crisis, by=scribe, text="Appel à 03:00")
    client.force_login(scribe)
    response = client.post(reverse("crisis:journal-entry", args=[crisis.pk, original.seq]), {"text": "Appel à 02:50"})
    assert response.status_code == 302
    correction = crisis.journal_entries.get(corrects=original)
    assert correction.text == "Appel à 02:50"
    page = client.get(reverse("crisis:journal-entry", args=[crisis.pk, original.seq])).content.decode()
    assert "Appel à 03:00" in page and "corrigée" in page


def test_an_empty_correction_is_refused(client, crisis, scribe):
    client.force_login(scribe)
    response = client.post(reverse("crisis:journal-entry", args=[crisis.pk, 1]), {"text": ""})
    assert response.status_code == 400
    assert JournalEntry.objects.filter(crisis=crisis).count() == 1


def test_an_exercise_is_marked_on_every_page(client, exercise, scribe):
    client.force_login(scribe)
    for name in ("crisis:journal", "crisis:dashboard", "crisis:roster"):
        assert "EXERCICE" in client.get(reverse(name, args=[exercise.pk])).content.decode()


def test_several_new_entries_arrive_newest_first(client, crisis, scribe):
    client.force_login(scribe)
    crisis.refresh_from_db()
    seen, version = crisis.journal_last_seq, journal_version(crisis)
    for text in ("premier", "deuxième", "troisième"):
        services.journal_append(crisis=crisis, by=scribe, text=f"Message {text}")
    body = client.get(journal_url(crisis) + f"?v={version}&after={seen}", HTTP_HX_REQUEST="true").content.decode()
    assert body.index("Message troisième") < body.index("Message deuxième") < body.index("Message premier")


def test_a_malformed_cursor_is_refused(client, crisis, scribe):
    client.force_login(scribe)
    for bad in ("", "abc", "-1", "99999999999999999999"):
        assert client.get(journal_url(crisis) + f"?v=0&after={bad}", HTTP_HX_REQUEST="true").status_code == 400


def test_a_client_far_behind_is_told_to_reload(client, crisis, scribe):
    client.force_login(scribe)
    for n in range(201):
        services.journal_append(crisis=crisis, by=scribe, text=f"n{n}")
    response = client.get(journal_url(crisis) + "?v=0&after=1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Refresh"] == "true"


def test_a_closed_crisis_stops_the_poll_and_refuses_writes_with_a_message(client, crisis, director, scribe):
    entry = crisis.journal_entries.get(seq=1)
    crisis.refresh_from_db()
    seen, version = crisis.journal_last_seq, journal_version(crisis)
    services.crisis_close(crisis=crisis, by=director)
    client.force_login(scribe)
    body = client.get(journal_url(crisis) + f"?v={version}&after={seen}", HTTP_HX_REQUEST="true").content.decode()
    assert "Fin de crise validée" in body and 'id="journal-poll"' not in body
    page = client.get(journal_url(crisis)).content.decode()
    assert 'id="journal-poll"' not in page and 'id="entry-form"' not in page
    response = client.post(
        journal_url(crisis), {"kind": "fait", "text": "Trop tard", "priority": "normal", "channel": "autre"}
    )
    assert response.status_code == 400 and "scellée" in response.content.decode()
    response = client.post(reverse("crisis:journal-entry", args=[crisis.pk, entry.seq]), {"text": "Correction tardive"})
    assert response.status_code == 400 and "scellée" in response.content.decode()
    assert not crisis.journal_entries.filter(text__in=["Trop tard", "Correction tardive"]).exists()


# --- the forms' inputs, written in the template --------------------------------
# What Django's widgets rendered before the inputs were written by hand: the
# hand-written ones must render the same HTML (labels, values, selections, errors,
# escaping, required and aria attributes) in every state.

DJANGO_ENTRY_FORM = """{% load i18n %}
<form id="entry-form" class="card quick-entry" method="post" action="{% url 'crisis:journal' crisis.pk %}" enctype="multipart/form-data" novalidate
      hx-post="{% url 'crisis:journal' crisis.pk %}" hx-encoding="multipart/form-data" hx-target="this" hx-swap="outerHTML">
  {% csrf_token %}
  {% if form.non_field_errors %}<ul class="errorlist">{% for e in form.non_field_errors %}<li>{{ e }}</li>{% endfor %}</ul>{% endif %}
  <p class="small muted qe-sticky">{% translate "Type, priorité et canal restent ceux de votre entrée précédente." %}</p>
  <div class="qe-row">
    <div class="field"><span class="label" id="{{ form.kind.auto_id }}_label">{{ form.kind.label }}</span>{{ form.kind }}{{ form.kind.errors }}</div>
    <div class="field"><span class="label" id="{{ form.priority.auto_id }}_label">{{ form.priority.label }}</span>{{ form.priority }}{{ form.priority.errors }}</div>
    <div class="field qe-date">{{ form.date.label_tag }}{{ form.date }}{{ form.date.errors }}</div>
    <div class="field qe-time">{{ form.time.label_tag }}{{ form.time }}{{ form.time.errors }}</div>
    <div class="helptext qe-keys" id="{{ form.time.auto_id }}_helptext">{% translate "Touches : Alt + la lettre du type ou de la priorité. Heure : 0740, 07:40 ou 7h40 ; vide pour maintenant ; une heure encore à venir aujourd'hui est celle de la veille (moins de 12 h avant)." %}</div>
  </div>
  <div class="field qe-text">{{ form.text.label_tag }}{{ form.text }}<div class="helptext needs-js">{% translate "Entrée pour ajouter, Maj+Entrée pour un retour à la ligne." %}</div>{{ form.text.errors }}</div>
  <div class="qe-row">
    <div class="field qe-channel">{{ form.channel.label_tag }}{{ form.channel }}{{ form.channel.errors }}</div>
    <div class="field qe-grow">{{ form.sender.label_tag }}{{ form.sender }}{{ form.sender.errors }}</div>
    <div class="field qe-grow">{{ form.recipient.label_tag }}{{ form.recipient }}{{ form.recipient.errors }}</div>
    <div class="field qe-file">{{ form.attachment.label_tag }}{{ form.attachment }}<span class="visually-hidden" id="{{ form.attachment.auto_id }}_helptext">{{ form.attachment.help_text }}</span>{{ form.attachment.errors }}</div>
    <div class="field"><button type="submit">{% translate "Ajouter" %}</button></div>
  </div>
</form>
"""
DJANGO_FILTER_FIELDS = """{% for field in filter_form %}
<div class="field{% if field.name == 'q' %} grow{% endif %}">{{ field.label_tag }}{{ field }}{{ field.errors }}</div>
{% endfor %}"""


ENTRY_STATES = {
    "blank": {},
    "remembered": {"remembered": {"kind": "decision", "channel": "radio"}},
    "bound with errors": {
        "data": {"kind": "zz", "priority": "urgent", "date": "2026-13-01", "time": "2561", "channel": "x"},
    },
    "bound, escaped": {
        "data": {
            "kind": "action",
            "priority": "info",
            "date": "",
            "time": "0740",
            "text": '<script>alert("x")</script> & l\'équipe',
            "channel": "papier",
            "sender": "<b>Biologiste</b>",
            "recipient": 'a"b',
        },
    },
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("state", ENTRY_STATES)
def test_the_quick_entry_inputs_render_what_djangos_widgets_render(state, language):
    from types import SimpleNamespace

    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.test.html import parse_html
    from django.utils import translation

    from crisis.forms import JournalEntryForm

    with translation.override(language):
        form = JournalEntryForm(ENTRY_STATES[state].get("data"), remembered=ENTRY_STATES[state].get("remembered"))
        form.is_valid()
        context = {"form": form, "crisis": SimpleNamespace(pk=1), "csrf_token": "token"}
        expected = Template(DJANGO_ENTRY_FORM).render(Context(context))
        written = render_to_string("crisis/journal.html#entry-form", context)
    assert parse_html(written) == parse_html(expected)


@pytest.mark.parametrize("data", [None, {"kind": "decision", "author": "7", "since": "bad", "q": '<x> & "y"'}])
def test_the_filter_inputs_render_what_djangos_widgets_render(data):
    from types import SimpleNamespace

    from django.template import Context, Template
    from django.template.loader import render_to_string
    from django.test.html import parse_html

    from crisis.forms import JournalFilterForm

    user = SimpleNamespace(get_full_name=lambda: "<Sophie> L'Hôte", username="s")
    authors = [SimpleNamespace(user_id=7, user=user), SimpleNamespace(user_id=8, user=user)]
    form = JournalFilterForm(data, authors=authors)
    form.filters()
    expected = Template(DJANGO_FILTER_FIELDS).render(Context({"filter_form": form}))
    written = render_to_string("crisis/journal.html#filter-fields", {"filter_form": form})
    assert parse_html(written) == parse_html(expected)


def test_every_description_the_inputs_point_to_is_on_the_page(client, crisis, scribe):
    import re

    client.force_login(scribe)
    page = client.get(reverse("crisis:journal", args=[crisis.pk]), {"q": "x"}).content.decode()
    described = {i for ids in re.findall(r'aria-describedby="([^"]+)"', page) for i in ids.split()}
    assert described  # the time and attachment inputs have descriptions
    assert {i for i in described if f'id="{i}"' not in page} == set()


# --- one answer for the cell: members polling after the same entry share it ----------------------


def test_members_polling_after_the_same_entry_share_one_rendering(client, crisis, scribe, establishment):
    """The first member's poll renders the new entry; a second member of the same role is given
    the same answer without the entries' queries (session, versions, crisis: three queries)."""
    colleague = make_user("colleague")
    Membership.objects.create(user=colleague, establishment=establishment, role=Role.SECRETAIRE)
    crisis.refresh_from_db()
    url = journal_url(crisis) + f"?v={journal_version(crisis)}&after={crisis.journal_last_seq}"
    services.journal_append(crisis=crisis, by=scribe, text="Le laboratoire passe en mode dégradé")
    client.force_login(scribe)
    first = client.get(url, HTTP_HX_REQUEST="true")
    client.force_login(colleague)
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url, HTTP_HX_REQUEST="true")
    assert first.status_code == second.status_code == 200
    assert "Le laboratoire passe en mode dégradé" in second.content.decode()
    assert second.content == first.content
    assert not [q for q in queries.captured_queries if "crisis_journalentry" in q["sql"]], queries.captured_queries


def test_a_shared_answer_never_offers_links_to_a_member_who_may_not_follow_them(
    client, crisis, scribe, director, observer
):
    """The links to actions are part of what an answer is shared by: a director's answer (follow-up,
    decision) is not given to an observer, nor the observer's to the director."""
    crisis.refresh_from_db()
    url = journal_url(crisis) + f"?v={journal_version(crisis)}&after={crisis.journal_last_seq}"
    services.journal_append(crisis=crisis, by=scribe, text="Arrêt des automates", kind="decision")
    bodies = {}
    for user in (director, observer, director):
        client.force_login(user)
        bodies[user.username] = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "suite à donner" in bodies["director"] and "enregistrer comme décision" in bodies["director"]
    assert "suite à donner" not in bodies["observer"] and "enregistrer comme décision" not in bodies["observer"]


def test_a_filtered_poll_is_neither_shared_nor_given_a_shared_answer(client, crisis, scribe, establishment):
    colleague = make_user("colleague")
    Membership.objects.create(user=colleague, establishment=establishment, role=Role.SECRETAIRE)
    crisis.refresh_from_db()
    url = journal_url(crisis) + f"?v={journal_version(crisis)}&after={crisis.journal_last_seq}"
    services.journal_append(crisis=crisis, by=scribe, text="Décision de couper internet", kind="decision")
    services.journal_append(crisis=crisis, by=scribe, text="Appel de la presse", kind="communication")
    client.force_login(scribe)
    filtered = client.get(url + "&kind=decision", HTTP_HX_REQUEST="true").content.decode()
    client.force_login(colleague)
    unfiltered = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    odd_order = client.get(url + "&order=%3Cx%3E", HTTP_HX_REQUEST="true").content.decode()
    client.force_login(scribe)
    filtered_again = client.get(url + "&kind=decision", HTTP_HX_REQUEST="true").content.decode()
    assert "Appel de la presse" not in filtered and "kind=decision" in filtered
    assert "Appel de la presse" in unfiltered and "kind=decision" not in unfiltered
    assert "Appel de la presse" not in filtered_again
    assert "%3Cx%3E" not in unfiltered and "order" not in unfiltered.split("hx-trigger")[0]
    assert "Appel de la presse" in odd_order


def test_the_first_page_of_an_open_crisis_is_rendered_before_the_server_forks(client, crisis, scribe):
    """web.warmup calls it in gunicorn's master: the first journal page after a start then reads no
    entry's text (every entry's HTML is already there), and a closed crisis is not warmed."""
    from django.core.cache import caches

    from crisis.views.journal import warm_first_pages

    for n in range(5):
        services.journal_append(crisis=crisis, by=scribe, text=f"Point {n} du standard")
    caches["fragments"].clear()
    assert warm_first_pages() == 6  # the opening entry and five
    client.force_login(scribe)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(journal_url(crisis)).content.decode()
    assert "Point 4 du standard" in body
    assert not [q for q in queries.captured_queries if '"text"' in q["sql"] and "crisis_journalentry" in q["sql"]]
    services.crisis_close(crisis=crisis, by=scribe)
    assert warm_first_pages() == 0


def test_warming_without_a_database_lets_the_server_start(monkeypatch, db):
    from django.db import DatabaseError

    from crisis.models import Crisis
    from crisis.views.journal import warm_first_pages

    def unreachable(*args, **kwargs):
        raise DatabaseError("connection refused")

    monkeypatch.setattr(Crisis.objects, "filter", unreachable)
    assert warm_first_pages() == 0

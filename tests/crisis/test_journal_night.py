"""The main courante as a cell uses it in a real night: typing, order, search, corrections, dashboard."""

import re
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from crisis import live, selectors, services
from crisis.models import Crisis, JournalEntry, Role
from crisis.views.journal import JOURNAL_TOPICS


def journal_url(crisis, **query):
    url = reverse("crisis:journal", args=[crisis.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def texts_on(body: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t).strip() for t in re.findall(r'<div class="text">(.*?)</div>', body, re.S)]


def earlier_today(minutes: int):
    """A moment `minutes` ago, or just after midnight when that would be yesterday (date left as shown)."""
    moment = timezone.localtime() - timedelta(minutes=minutes)
    if moment.date() != timezone.localdate():
        moment = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return moment


@pytest.fixture
def _language_restored():
    yield
    translation.activate(settings.LANGUAGE_CODE)


# --- typing ------------------------------------------------------------------------


@pytest.mark.parametrize(("typed", "hour"), [("7", time(7)), ("07", time(7)), ("7h", time(7)), ("23", time(23))])
def test_an_hour_alone_is_a_time_and_past_23_is_refused(typed, hour):
    from django.core.exceptions import ValidationError

    from web.forms import EventTimeField

    assert EventTimeField().clean(typed) == hour
    with pytest.raises(ValidationError):
        EventTimeField().clean("24")


@pytest.mark.parametrize("typed", ["{h:02d}{m:02d}", "{h:02d}:{m:02d}", "{h}h{m:02d}"])
def test_a_past_event_of_today_takes_its_time_only(client, crisis, scribe, typed):
    moment = earlier_today(50)
    client.force_login(scribe)
    response = client.post(
        journal_url(crisis),
        {
            "kind": "fait",
            "priority": "normal",
            "text": "Appel du labo",
            "time": typed.format(h=moment.hour, m=moment.minute),
        },
    )
    assert response.status_code == 302
    entry = crisis.journal_entries.get(text="Appel du labo")
    assert timezone.localtime(entry.occurred_at).replace(second=0, microsecond=0) == moment.replace(
        second=0, microsecond=0
    )


def test_the_form_shows_todays_date_and_the_priority_as_visible_choices(client, crisis, scribe):
    client.force_login(scribe)
    body = client.get(journal_url(crisis)).content.decode()
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in body and 'name="date"' in body
    assert re.search(r'<input type="radio" name="priority" value="urgent"[^>]*accesskey="u"', body)
    assert "<details" not in body.split('id="entry-form"')[1].split("</form>")[0]
    assert re.search(r'<option value="non_precise" selected>Non précisé</option>', body)


def test_a_six_digit_year_is_refused_with_a_message_next_to_the_date(client, crisis, scribe):
    client.force_login(scribe)
    response = client.post(
        journal_url(crisis),
        {"kind": "fait", "priority": "normal", "text": "x", "date": "202602-02-19", "time": "0740"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    date_field = body.split('class="field qe-date"')[1].split('class="field qe-time"')[0]
    assert "hors des limites" in date_field
    assert not crisis.journal_entries.filter(text="x").exists()


def test_another_day_needs_a_time(client, crisis, scribe):
    client.force_login(scribe)
    yesterday = timezone.localdate() - timedelta(days=1)
    response = client.post(
        journal_url(crisis), {"kind": "fait", "priority": "normal", "text": "x", "date": f"{yesterday:%Y-%m-%d}"}
    )
    assert response.status_code == 400 and "Indiquez l&#x27;heure" in response.content.decode()


def test_type_priority_and_channel_all_stay_as_this_member_chose_them_and_the_form_says_so(
    client, crisis, scribe, director
):
    client.force_login(scribe)
    client.post(
        journal_url(crisis), {"kind": "decision", "priority": "urgent", "channel": "reunion", "text": "On bascule"}
    )
    body = client.get(journal_url(crisis)).content.decode()
    assert re.search(r'name="kind" value="decision"[^>]*checked', body)
    assert re.search(r'name="priority" value="urgent"[^>]*checked', body)
    assert '<option value="reunion" selected>' in body
    assert "Type, priorité et canal restent ceux de votre entrée précédente." in body
    client.force_login(director)  # another member keeps the defaults
    body = client.get(journal_url(crisis)).content.decode()
    assert re.search(r'name="kind" value="fait"[^>]*checked', body) and '<option value="non_precise" selected>' in body


def test_an_entry_without_a_channel_says_so_and_never_telephone(client, crisis, scribe):
    client.force_login(scribe)
    client.post(journal_url(crisis), {"kind": "fait", "priority": "normal", "text": "Sans canal"})
    assert crisis.journal_entries.get(text="Sans canal").channel == JournalEntry.Channel.NON_PRECISE


def test_hints_that_need_javascript_are_marked_to_be_hidden_without_it(client, crisis, scribe):
    client.force_login(scribe)
    body = client.get(journal_url(crisis)).content.decode()
    assert "Entrée pour ajouter" not in body.split('placeholder="')[1].split('"')[0]
    for hint in ("Entrée pour ajouter", "Cette page se met à jour toute seule"):
        assert re.search(r'class="[^"]*needs-js[^"]*">' + hint, body), hint
    css = (settings.BASE_DIR / "static/css/console.css").read_text()
    assert "html:not(.js) .needs-js { display: none !important; }" in css


# --- order ------------------------------------------------------------------------------


def test_an_entry_typed_late_appears_where_it_happened_and_is_marked(client, crisis, scribe):
    now = timezone.now()
    services.journal_append(crisis=crisis, by=scribe, text="Cellule réunie", occurred_at=now - timedelta(hours=1))
    services.journal_append(crisis=crisis, by=scribe, text="Appel du labo", occurred_at=now - timedelta(hours=5))
    client.force_login(scribe)
    body = client.get(journal_url(crisis)).content.decode()
    order = texts_on(body)
    assert (
        order.index("Ouverture de la main courante : Rançongiciel de nuit.")
        < order.index("Cellule réunie")
        < order.index("Appel du labo")
    )
    assert body.count("saisie plus tard") == 2
    by_entry = texts_on(client.get(journal_url(crisis, order="entry")).content.decode())
    assert by_entry[:2] == ["Appel du labo", "Cellule réunie"]


def test_the_page_and_the_printed_journal_share_one_order(crisis, scribe):
    now = timezone.now()
    for hours in (3, 7, 1, 7):
        services.journal_append(
            crisis=crisis, by=scribe, text=f"il y a {hours} h", occurred_at=now - timedelta(hours=hours)
        )
    page, _ = selectors.journal_page(crisis, selectors.JournalFilters(), None, 50, selectors.JournalOrder.TIME)
    printed = list(selectors.journal_in_time_order(crisis))
    assert [e.seq for e in page] == [e.seq for e in reversed(printed)]


def test_pages_in_event_time_order_have_no_gap_and_no_repeat(client, crisis, scribe):
    start = timezone.now() - timedelta(days=2)
    for n in range(23):
        services.journal_append(
            crisis=crisis, by=scribe, text=f"n{n}", occurred_at=start + timedelta(minutes=(n * 37) % 23)
        )
    seen, before = [], None
    while True:
        rows, before = selectors.journal_page(
            crisis, selectors.JournalFilters(), before, 5, selectors.JournalOrder.TIME
        )
        seen += rows
        if before is None:
            break
    assert len(seen) == 24 and len({e.pk for e in seen}) == 24
    assert [(e.occurred_at, e.seq) for e in seen] == sorted(((e.occurred_at, e.seq) for e in seen), reverse=True)


def test_the_poll_rerenders_the_list_when_a_late_entry_arrives(client, crisis, scribe):
    client.force_login(scribe)
    head, seen = Crisis.objects.get(pk=crisis.pk), live.version(crisis, JOURNAL_TOPICS)
    services.journal_append(
        crisis=crisis, by=scribe, text="Fait de la nuit", occurred_at=timezone.now() - timedelta(hours=3)
    )
    body = client.get(journal_url(crisis, after=head.journal_last_seq, v=seen), HTTP_HX_REQUEST="true").content.decode()
    assert 'id="journal-region" hx-swap-oob="true"' in body
    order = texts_on(body)
    assert order.index("Fait de la nuit") > order.index("Ouverture de la main courante : Rançongiciel de nuit.")
    head, seen = Crisis.objects.get(pk=crisis.pk), live.version(crisis, JOURNAL_TOPICS)
    services.journal_append(crisis=crisis, by=scribe, text="Maintenant")
    body = client.get(journal_url(crisis, after=head.journal_last_seq, v=seen), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-swap-oob="afterbegin:#journal-entries"' in body and texts_on(body) == ["Maintenant"]


# --- search -------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["rancon", "RANÇON", "Rançon", "ranç"])
def test_search_ignores_accents_and_case_and_says_how_many_match(client, exercise, scribe, query):
    services.journal_append(crisis=exercise, by=scribe, text="Demande de rançon reçue par courriel")
    services.journal_append(crisis=exercise, by=scribe, text="Appel", sender="Négociateur rançon")
    services.journal_append(crisis=exercise, by=scribe, text="Rien à voir")
    client.force_login(scribe)
    body = client.get(journal_url(exercise, q=query)).content.decode()
    assert set(texts_on(body)) == {"Demande de rançon reçue par courriel", "Appel"}
    assert "2 entrées correspondent" in body


def test_search_finds_words_folded_the_other_way_and_short_queries(crisis, scribe):
    services.journal_append(crisis=crisis, by=scribe, text="Mise en œuvre du PCA ; DPI à l'arrêt")
    for query, found in (("oeuvre", 1), ("Œuvre", 1), ("dp", 1), ("a l'arret", 1), ("zeppelin", 0)):
        filters = selectors.JournalFilters(q=query)
        assert selectors.journal_match_count(crisis, filters) == found, query


def test_past_the_cap_the_page_says_more_than_instead_of_counting_every_match(client, exercise, scribe, monkeypatch):
    for n in range(4):
        services.journal_append(crisis=exercise, by=scribe, text=f"Appel de la presse n° {n}")
    monkeypatch.setattr(selectors, "MATCH_COUNT_CAP", 3)
    assert selectors.journal_match_count(exercise, selectors.JournalFilters(q="presse")) == 4  # cap + 1: "more"
    client.force_login(scribe)
    body = client.get(journal_url(exercise, q="presse")).content.decode()
    assert "Plus de 3 entrées correspondent" in body and "4 entrées" not in body
    assert len(texts_on(body)) == 4  # the list itself is not capped


def test_search_stays_inside_the_crisis(crisis, exercise, scribe):
    services.journal_append(crisis=exercise, by=scribe, text="Rançon demandée (exercice)")
    assert selectors.journal_match_count(crisis, selectors.JournalFilters(q="rancon demandee")) == 0
    assert selectors.journal_match_count(exercise, selectors.JournalFilters(q="rancon demandee")) == 1


# --- corrections -----------------------------------------------------------------------------


def test_a_correction_can_change_type_priority_time_and_channel(client, crisis, scribe):
    original = services.journal_append(
        crisis=crisis,
        by=scribe,
        text="Appel du labo",
        kind="fait",
        channel="telephone",
        occurred_at=timezone.now() - timedelta(hours=2),
    )
    moment = timezone.localtime(original.occurred_at) - timedelta(minutes=10)
    client.force_login(scribe)
    response = client.post(
        reverse("crisis:journal-entry", args=[crisis.pk, original.seq]),
        {
            "text": "Appel du labo (décision de bascule)",
            "kind": "decision",
            "priority": "urgent",
            "channel": "sur_site",
            "date": f"{moment:%Y-%m-%d}",
            "time": f"{moment:%H%M}",
        },
    )
    assert response.status_code == 302
    correction = crisis.journal_entries.get(corrects=original)
    assert (correction.kind, correction.priority, correction.channel) == ("decision", "urgent", "sur_site")
    assert timezone.localtime(correction.occurred_at).strftime("%d %H:%M") == moment.strftime("%d %H:%M")


def test_a_correction_form_sent_back_unchanged_keeps_the_original_time_to_the_second(client, crisis, scribe):
    original = services.journal_append(
        crisis=crisis, by=scribe, text="Appel", occurred_at=timezone.now() - timedelta(minutes=30, seconds=17)
    )
    client.force_login(scribe)
    form = client.get(reverse("crisis:journal-entry", args=[crisis.pk, original.seq])).context["form"]
    data = {name: form[name].value() for name in ("kind", "priority", "channel", "date", "time")}
    data["date"] = f"{data['date']:%Y-%m-%d}"
    client.post(reverse("crisis:journal-entry", args=[crisis.pk, original.seq]), {**data, "text": "Appel corrigé"})
    assert crisis.journal_entries.get(corrects=original).occurred_at == original.occurred_at


def test_a_correction_with_a_bad_time_saves_nothing_and_others_cannot_correct(
    client, crisis, scribe, observer, outsider
):
    original = services.journal_append(crisis=crisis, by=scribe, text="Appel")
    url = reverse("crisis:journal-entry", args=[crisis.pk, original.seq])
    client.force_login(scribe)
    response = client.post(url, {"text": "x", "time": "9999"})
    assert response.status_code == 400 and "Heure invalide" in response.content.decode()
    client.force_login(observer)
    assert client.post(url, {"text": "x"}).status_code == 403
    client.force_login(outsider)
    assert client.post(url, {"text": "x"}).status_code == 404
    client.force_login(scribe)
    assert client.put(url).status_code == 405
    assert not crisis.journal_entries.filter(corrects=original).exists()


# --- dashboard ------------------------------------------------------------------------------------


def test_the_dashboard_counts_facts_once_communications_and_the_last_hour_by_event_time(
    client, crisis, scribe, director
):
    now = timezone.now()
    decision = services.journal_append(crisis=crisis, by=scribe, text="Bascule", kind="decision")
    services.journal_correct(original=decision, by=scribe, text="Bascule validée")  # no new decision
    fact = services.journal_append(crisis=crisis, by=scribe, text="Appel", kind="fait", priority="urgent")
    services.journal_correct(
        original=fact, by=scribe, text="Appel : c'est une action", kind="action", priority="normal"
    )
    services.journal_append(crisis=crisis, by=scribe, text="Message aux services", kind="communication")
    services.journal_append(
        crisis=crisis, by=scribe, text="Il y a 3 h, saisi maintenant", occurred_at=now - timedelta(hours=3)
    )
    counters = selectors.journal_counters(Crisis.objects.get(pk=crisis.pk))
    # The opening is a decision too; the 3-hour-old event is not in the last hour.
    assert counters == {"total": 5, "urgent": 0, "decisions": 2, "actions": 1, "communications": 1, "last_hour": 4}
    client.force_login(director)
    body = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert re.search(r"<b>1</b><span>communications</span>", body)


def test_the_counters_match_a_count_of_the_journal_after_corrections_of_corrections(crisis, scribe):
    entry = services.journal_append(crisis=crisis, by=scribe, text="a", kind="fait", priority="urgent")
    first = services.journal_correct(original=entry, by=scribe, text="b", kind="decision")
    services.journal_correct(original=entry, by=scribe, text="c", kind="action", priority="normal")
    services.journal_correct(original=first, by=scribe, text="d", kind="communication")
    crisis.refresh_from_db()
    # The opening (a decision) and one fact, counted under its latest version "d": a communication, urgent
    # (a correction keeps the priority of the entry it corrects unless changed).
    counts = (crisis.journal_entry_count, crisis.journal_decision_count, crisis.journal_action_count)
    assert counts == (2, 1, 0)
    assert (crisis.journal_communication_count, crisis.journal_urgent_count) == (1, 1)


def test_on_duty_since_counts_the_shift_in_this_crisis_not_in_another(crisis, exercise, director, scribe):
    now = timezone.now()
    exercise_shift = services.shift_start(
        crisis=exercise, by=director, role=Role.SECRETAIRE, holder=scribe, at=now - timedelta(hours=9)
    )
    services.shift_end(shift=exercise_shift, by=director, at=now - timedelta(hours=2, minutes=30))
    services.shift_start(crisis=crisis, by=director, role=Role.SECRETAIRE, holder=scribe, at=now - timedelta(hours=2))
    [duty] = selectors.roster(crisis)
    assert abs(duty.on_duty_since - (now - timedelta(hours=2))) < timedelta(seconds=1)
    assert 1.9 < duty.hours_on_duty < 2.1


# --- cost and resilience ----------------------------------------------------------------------------


def test_the_page_renders_when_the_fragment_cache_is_down(client, crisis, scribe):
    services.journal_append(crisis=crisis, by=scribe, text="Toujours lisible")
    dead = {"BACKEND": "web.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    client.force_login(scribe)
    with override_settings(CACHES={**settings.CACHES, "fragments": dead}):
        from django.core.cache import caches

        caches._settings = None  # re-read the aliases (Django keeps connections per thread)
        for alias in ("fragments",):
            if hasattr(caches._connections, alias):
                delattr(caches._connections, alias)
        response = client.get(journal_url(crisis))
    if hasattr(caches._connections, "fragments"):
        delattr(caches._connections, "fragments")
    assert response.status_code == 200 and "Toujours lisible" in response.content.decode()


def test_an_entry_is_rendered_once_then_served_from_the_fragment_cache(client, crisis, scribe):
    from django.core.cache import caches

    services.journal_append(crisis=crisis, by=scribe, text="Une fois")
    client.force_login(scribe)
    client.get(journal_url(crisis))
    keys = [k for k in caches["fragments"]._cache if "journal-entry" in k]
    assert len(keys) == 2  # the opening and this entry
    services.journal_correct(original=crisis.journal_entries.get(text="Une fois"), by=scribe, text="Deux fois")
    body = client.get(journal_url(crisis)).content.decode()
    assert re.search(r'class="entry corrected" id="entry-2"', body)  # a corrected entry is another fragment


def test_a_page_whose_entries_are_cached_reads_their_keys_not_their_rows(client, crisis, scribe):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in range(3):
        services.journal_append(crisis=crisis, by=scribe, text=f"Entrée {n}")
    client.force_login(scribe)
    client.get(journal_url(crisis))  # renders and keeps the four entries
    services.journal_append(crisis=crisis, by=scribe, text="La nouvelle")
    with CaptureQueriesContext(connection) as queries:
        body = client.get(journal_url(crisis)).content.decode()
    text_reads = [q["sql"] for q in queries.captured_queries if '"crisis_journalentry"."text"' in q["sql"]]
    assert len(text_reads) == 1, text_reads
    assert "La nouvelle" in body and "Entrée 0" in body
    # The one row read is the new entry's: the others came from the fragment cache.
    new_pk = crisis.journal_entries.get(text="La nouvelle").pk
    assert re.search(rf"IN \({new_pk}\)", text_reads[0]), text_reads[0]
    with CaptureQueriesContext(connection) as queries:
        client.get(journal_url(crisis))
    assert not [q for q in queries.captured_queries if '"crisis_journalentry"."text"' in q["sql"]]


# --- words -------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("_language_restored")
def test_the_closed_badge_and_labels_read_right_in_both_languages(client, crisis, director, scribe):
    services.crisis_close(crisis=crisis, by=director)
    client.force_login(director)
    french = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert '<span class="phase closed">Close</span>' in french and "Fermer" not in french
    assert "Établissement" in client.get(reverse("crisis:home")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(reverse("crisis:dashboard", args=[crisis.pk])).content.decode()
    assert '<span class="phase closed">Closed</span>' in english
    assert " à " not in re.sub(r"<[^>]+>", "", english.split("<main")[1].split("</main>")[0]).replace("→", "")


def test_the_printed_journal_dates_an_entry_typed_later_as_the_screen_does(crisis, scribe):
    from printing import registry

    recorded = timezone.localtime()
    occurred = recorded - timedelta(days=34)
    services.journal_append(crisis=crisis, by=scribe, text="Note de rançon imprimée", occurred_at=occurred)
    document = registry.get("journal")
    html = document.render(crisis.establishment, {"crisis_id": crisis.pk}, generated_at=timezone.now()).html
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))
    late = f"saisie plus tard, le {recorded:%d/%m} à {recorded:%H:%M}"
    assert late in text
    assert text.count("saisie plus tard") == 1  # the opening entry was typed at once


def test_just_after_midnight_a_time_of_late_evening_is_the_previous_days_and_the_form_says_so(client, crisis, scribe):
    from datetime import datetime

    from tests.e2e.conftest import clock_at

    tomorrow = timezone.localdate() + timedelta(days=1)
    with clock_at(timezone.make_aware(datetime.combine(tomorrow, time(0, 10)))):
        # Logged in on the moved clock: run just after midnight, the next 00:10 is nearly a day away,
        # past the session's 14 hours.
        client.force_login(scribe)
        body = client.get(journal_url(crisis)).content.decode()
        assert "une heure encore à venir aujourd'hui est celle de la veille" in body
        response = client.post(
            journal_url(crisis),
            {"kind": "fait", "priority": "normal", "text": "Notes de rançon", "time": "2350", "date": str(tomorrow)},
        )
        assert response.status_code == 302
        entry = crisis.journal_entries.get(text="Notes de rançon")
        assert timezone.localtime(entry.occurred_at).date() == tomorrow - timedelta(days=1)
        # Far from midnight, a time to come is still refused: a typo, not last night.
        with clock_at(timezone.make_aware(datetime.combine(tomorrow, time(12, 30)))):
            response = client.post(
                journal_url(crisis),
                {
                    "kind": "fait",
                    "priority": "normal",
                    "text": "Faute de frappe",
                    "time": "2350",
                    "date": str(tomorrow),
                },
            )
        assert response.status_code == 400 or not crisis.journal_entries.filter(text="Faute de frappe").exists()

"""Dates and times go through the active language's formats: French keeps its dense numeric forms, English
spells the month so that 06/12 is never read as June 12."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from crisis import services
from crisis.models import Crisis, Decision
from crisis.models.history import shown
from printing.render import local, local_day
from web.moments import FORMATS, format_for, moment

PARIS = ZoneInfo("Europe/Paris")
UTC = ZoneInfo("UTC")
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
# Sunday 6 December 2026, 17:37:05 in Paris (16:37:05 UTC): the day is above 12, the month is not.
AT = datetime(2026, 12, 6, 16, 37, 5, tzinfo=UTC)

FRENCH = {
    "time": "17:37",
    "time_seconds": "17:37:05",
    "day": "06/12",
    "day_time": "06/12 17:37",
    "weekday_day_time": "dim 06/12 17:37",
    "long_day_time": "dimanche 06/12 17:37",
    "date": "06/12/2026",
    "date_time": "06/12/2026 17:37",
    "date_time_seconds": "06/12/2026 17:37:05",
    "long_date_time": "dimanche 06/12/2026 17:37",
    "date_at_time": "06/12/2026 à 17:37",
    "written_date_at_time": "dimanche 6 décembre 2026 à 17:37",
}
ENGLISH = {
    "time": "17:37",
    "time_seconds": "17:37:05",
    "day": "6 Dec",
    "day_time": "6 Dec 17:37",
    "weekday_day_time": "Sun 6 Dec 17:37",
    "long_day_time": "Sunday 6 Dec 17:37",
    "date": "6 Dec 2026",
    "date_time": "6 Dec 2026 17:37",
    "date_time_seconds": "6 Dec 2026 17:37:05",
    "long_date_time": "Sunday 6 Dec 2026 17:37",
    "date_at_time": "6 Dec 2026 at 17:37",
    "written_date_at_time": "Sunday 6 December 2026 at 17:37",
}


@pytest.fixture
def _language_restored():
    """The language middleware activates the chosen language in the test thread: put French back afterwards."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_every_purpose_has_a_format_in_every_language_of_the_console():
    for code, _name in settings.LANGUAGES:
        assert set(FORMATS[code]) == set(FORMATS["fr"])


@pytest.mark.parametrize(("language", "expected"), [("fr", FRENCH), ("en", ENGLISH)])
def test_each_purpose_reads_in_the_active_language_in_paris_time(language, expected):
    with translation.override(language):
        assert {purpose: moment(AT, purpose) for purpose in expected} == expected


@pytest.mark.parametrize(("language", "expected"), [("fr", FRENCH), ("en", ENGLISH)])
def test_the_template_filter_says_the_same_as_the_function(language, expected):
    template = Template(
        '{% load moments %}{{ at|moment:"day_time" }}|{{ at|moment:"date_at_time" }}|{{ none|moment:"time"|default:"—" }}'
    )
    with translation.override(language):
        assert template.render(Context({"at": AT, "none": None})) == (
            f"{expected['day_time']}|{expected['date_at_time']}|—"
        )


def test_a_date_without_time_and_an_unknown_purpose():
    with translation.override("en"):
        assert moment(date(2026, 12, 6), "date") == "6 Dec 2026"
        assert moment(None, "date") == ""
        with pytest.raises(ValueError, match="Unknown moment"):
            moment(AT, "d/m")
    with translation.override("fr"):
        assert moment(date(2026, 12, 6), "date") == "06/12/2026"
    # A language without its own table (a regional variant falls back to its language, others to French).
    assert format_for("day", "en-gb") == "j M"
    assert format_for("day", "de") == "d/m"


def test_history_text_documents_and_models_follow_the_language(crisis, director):
    field = Crisis._meta.get_field("detected_at")
    with translation.override("fr"):
        assert shown(field, AT.isoformat()) == "06/12/2026 17:37"
        assert shown(Crisis._meta.get_field("closed_at"), AT) == "06/12/2026 17:37"
        assert local(AT) == "06/12/2026 à 17:37" and local_day(AT) == "06/12/2026" and local(None) == ""
    with translation.override("en"):
        assert shown(field, AT.isoformat()) == "6 Dec 2026 17:37"
        assert local(AT) == "6 Dec 2026 at 17:37" and local_day(AT) == "6 Dec 2026"
        decision = Decision(crisis=crisis, gate=Decision._meta.get_field("gate").choices[0][0], occurred_at=AT)
        assert str(decision).endswith("— 6 Dec 17:37")


@pytest.mark.usefixtures("_language_restored")
def test_the_journal_shows_6_dec_in_english_and_06_12_in_french(client, crisis, scribe):
    Crisis.objects.filter(pk=crisis.pk).update(detected_at=AT.replace(hour=1))
    entry = services.journal_append(
        crisis=crisis, by=scribe, text="Urgences fermées", occurred_at=datetime(2026, 12, 6, 5, 10, tzinfo=PARIS)
    )
    assert entry.recorded_late  # typed today: the page says when, with its day
    typed = timezone.localtime(entry.recorded_at)
    client.force_login(scribe)
    url = reverse("crisis:journal", args=[crisis.pk])

    french = client.get(url).content.decode()
    assert "06/12 05:10" in french
    assert f"saisie plus tard, le {typed:%d/%m} à {typed:%H:%M}" in french

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url).content.decode()
    assert "6 Dec 05:10" in english and "06/12" not in english
    assert f"{typed.day} {MONTHS[typed.month - 1]}" in english and f"{typed:%d/%m}" not in english

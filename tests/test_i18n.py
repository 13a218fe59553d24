"""French first, English complete: the English catalogue covers every string, ships compiled, and is used when chosen.

The source strings (msgids) are French; locale/en/LC_MESSAGES/django.po holds their
English translations. Refresh it with `make messages`, translate what it adds, and
commit the .po with its compiled .mo.
"""

import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = Path("locale/en/LC_MESSAGES/django.po")
# What `make messages` scans: the apps, the settings, the templates (tests and bench are not UI).
# Every app of the project (a folder with an apps.py), plus what they share: a new app is never forgotten.
SOURCES = sorted(p.parent.name for p in ROOT.glob("*/apps.py")) + ["config", "templates", "locale"]
MAKEMESSAGES_IGNORE = [".venv", "var", "tests", "bench", "node_modules"]


def _gettext_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"GNU gettext is missing ({name} not found): install it (apt-get install gettext) to check the catalogue."
        )
    return path


_ESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r"}


def _msgids(po_text: str) -> list[str]:
    """The msgids of a .po file's entries, header left out (enough of a parser for msgattrib's output)."""
    ids, current = [], None
    for line in po_text.splitlines():
        if line.startswith("msgid "):
            current = [line[len("msgid ") :]]
        elif current is not None and line.startswith('"'):
            current.append(line)
        elif current is not None:
            text = "".join(part.strip()[1:-1] for part in current)
            if text:
                ids.append(_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text))
            current = None
    return ids


def _entries(msgattrib: str, po: Path, *flags: str) -> list[str]:
    result = subprocess.run([msgattrib, "--no-obsolete", *flags, str(po)], capture_output=True, text=True, check=True)
    return _msgids(result.stdout)


def test_the_english_catalogue_translates_every_string(tmp_path):
    msgattrib = _gettext_tool("msgattrib")
    _gettext_tool("xgettext")
    _gettext_tool("msgmerge")
    project = tmp_path / "project"
    for name in SOURCES:
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "manage.py", project / "manage.py")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SECRET_KEY": "i18n-test-only",
        "VAR_DIR": str(tmp_path / "var"),
    }
    env.pop("PYTHONPATH", None)
    ignore = [f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE]
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", *ignore],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"

    regenerated = project / CATALOGUE
    untranslated = _entries(msgattrib, regenerated, "--untranslated")
    fuzzy = _entries(msgattrib, regenerated, "--only-fuzzy")
    problems = [f"untranslated: {msgid!r}" for msgid in untranslated] + [f"fuzzy: {msgid!r}" for msgid in fuzzy]
    assert not problems, (
        f"{len(problems)} string(s) lack a checked English translation; run `make messages`, translate them in "
        f"{CATALOGUE} (and drop the fuzzy flags), then commit the .po and .mo:\n  " + "\n  ".join(problems)
    )


def test_the_compiled_catalogue_matches_the_source(tmp_path):
    msgfmt = _gettext_tool("msgfmt")
    committed = ROOT / CATALOGUE.with_suffix(".mo")
    assert committed.exists(), f"{committed.relative_to(ROOT)} is missing: run `make messages`."
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        [msgfmt, "--check", "-o", str(fresh), str(ROOT / CATALOGUE)], capture_output=True, text=True
    )
    assert result.returncode == 0, f"msgfmt rejects {CATALOGUE}:\n{result.stderr}"

    with committed.open("rb") as f:
        shipped = gettext.GNUTranslations(f)
    with fresh.open("rb") as f:
        expected = gettext.GNUTranslations(f)
    # The header ("" key) carries dates that makemessages bumps on every run; the plural rule is checked below.
    keys = (expected._catalog.keys() | shipped._catalog.keys()) - {""}
    stale = sorted(str(key) for key in keys if expected._catalog.get(key) != shipped._catalog.get(key))
    assert not stale, (
        f"{committed.relative_to(ROOT)} is older than the .po: run `make messages`. Differing: {stale[:20]}"
    )
    assert [shipped.plural(n) for n in range(5)] == [expected.plural(n) for n in range(5)]


@pytest.fixture
def _language_restored():
    """The language middleware activates the chosen language in the test thread: put French back afterwards."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.mark.usefixtures("_language_restored")
def test_the_console_speaks_english_when_chosen(client, director):
    client.force_login(director)

    french = client.get(reverse("crisis:home")).content.decode()
    assert "Mes établissements" in french and "My establishments" not in french

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("crisis:home"))
    english = response.content.decode()
    assert response.headers["Content-Language"] == "en"
    assert "My establishments" in english and "Mes établissements" not in english
    assert "Log out" in english


def test_numbers_follow_the_active_language_and_no_term_is_half_translated():
    from crisis.templatetags.crisis_tags import hours

    with translation.override("en"):
        assert hours(5.25) in ("5.2", "5.3")
        # As an English reader checks it: French terms of art kept, but explained, never half a sentence.
        assert translation.gettext("Plan blanc déclenché") == "Emergency plan (plan blanc) activated"
        assert translation.gettext("Fiche") == "Crisis record"
    with translation.override("fr"):
        assert hours(5.25) in ("5,2", "5,3")


def test_a_rida_lines_status_done_is_not_the_journals_fact():
    from crisis.models import JournalEntry, RidaLine

    with translation.override("en"):
        assert str(RidaLine.Status.FAIT.label) == "Done"
        assert str(JournalEntry.Kind.FAIT.label) == "Fact"

"""The crisis directory: French collation, accent- and typo-tolerant search, CSV import (dry run, errors
line by line, all or nothing) and export, stale entries, and its API."""

from datetime import date, timedelta

from comms import selectors, services
from comms.models import DirectoryEntry, sort_key
from crisis.services.records import record_history

from .conftest import api_for, url


def names(entries) -> list[str]:
    return [e.last_name for e in entries]


def test_the_sort_key_ignores_accents_and_case_as_the_alphabet_does():
    words = ["CERT Santé", "Carpentier", "Çelik", "Élise", "Dupont", "cnil"]
    assert sorted(words, key=sort_key) == ["Carpentier", "Çelik", "CERT Santé", "cnil", "Dupont", "Élise"]


def test_the_directory_lists_in_french_alphabetical_order(establishment, people):
    assert names(selectors.directory_of(establishment)) == [
        "Carpentier",
        "Çelik",
        "Dupont",
        "Lefèvre",
        "Martin",
        "Permanence",
    ]


def test_search_ignores_accents_case_and_tolerates_typos(establishment, people):
    assert names(selectors.directory_search(establishment, "lefevre")) == ["Lefèvre"]
    assert names(selectors.directory_search(establishment, "LEFÈVRE")) == ["Lefèvre"]
    assert names(selectors.directory_search(establishment, "lefebvre")) == ["Lefèvre"]  # a typo
    assert names(selectors.directory_search(establishment, "celik")) == ["Çelik"]
    assert names(selectors.directory_search(establishment, "cert sante")) == ["Permanence"]  # the organisation
    assert names(selectors.directory_search(establishment, "marie dupont")) == ["Dupont"]
    assert selectors.directory_search(establishment, "zzzzqqq") == []


def test_an_entry_keeps_its_history_and_its_search_column_follows_a_change(establishment, people, director):
    entry = people[0]
    services.entry_update(entry=entry, by=director, last_name="Lefebvre-Martin")
    entry.refresh_from_db()
    assert "lefebvre martin" in entry.search_text
    assert len(record_history(entry)) >= 2  # its creation and the change


def test_an_entry_not_checked_for_six_months_is_stale(establishment, people, director):
    entry = people[0]
    assert not selectors.is_stale(entry)
    services.entry_update(entry=entry, by=director, checked_at=date.today() - timedelta(days=200))
    entry.refresh_from_db()
    assert selectors.is_stale(entry) and selectors.is_stale(people[5])  # never checked


CSV = (
    "nom;prenom;fonction;service;poste;dect;ligne_directe;mobile;astreinte;categorie;organisme;verifie_le\n"
    "Lefèvre;Éric;Cadre de santé;Urgences;1201;61201;;06 12 34 56 01;oui;;;2026-01-10\n"
    "Nouveau;Jean;Infirmier;urgences;1202;;;;non;;;10/01/2026\n"
    "Préfecture;;;;;;04 88 17 80 00;;non;Préfecture;Préfecture de Vaucluse;\n"
)


def test_a_dry_run_counts_what_would_be_created_and_updated_and_writes_nothing(establishment, people, director):
    before = DirectoryEntry.objects.count()
    report = services.directory_import(establishment=establishment, by=director, text=CSV, dry_run=True)
    assert (report.errors, report.would_create, report.would_update) == ([], 2, 1)
    assert DirectoryEntry.objects.count() == before


def test_an_import_applies_every_line(establishment, people, director):
    report = services.directory_import(establishment=establishment, by=director, text=CSV, dry_run=False)
    assert (report.created, report.updated) == (2, 1)
    lefevre = DirectoryEntry.objects.get(last_name="Lefèvre")
    assert (lefevre.function, lefevre.extension, lefevre.on_call) == ("Cadre de santé", "1201", True)
    prefecture = DirectoryEntry.objects.get(last_name="Préfecture")
    assert prefecture.is_external and prefecture.category == "prefecture"
    assert DirectoryEntry.objects.get(last_name="Nouveau").checked_at == date(2026, 1, 10)


def test_each_problem_is_reported_with_its_line_and_nothing_is_saved(establishment, people, director):
    bad = (
        "nom;prenom;service;mobile;astreinte;categorie;verifie_le\n"
        "Bon;Jean;Urgences;06 00 00 00 00;non;;\n"
        ";Sans nom;Urgences;;non;;\n"
        "Autre;Luc;Cardiologie spatiale;;peut-être;;\n"
        "Tel;Faux;;06 ab;non;;\n"
        "Date;Fausse;;;non;;31/31/2026\n"
        "Cat;Inconnue;;;non;Martiens;\n"
        "Bon;Jean;Urgences;;non;;\n"
    )
    before = DirectoryEntry.objects.count()
    report = services.directory_import(establishment=establishment, by=director, text=bad, dry_run=False)
    lines = sorted({e["line"] for e in report.errors})
    assert lines == [3, 4, 5, 6, 7, 8]
    messages = " ".join(e["message"] for e in report.errors)
    assert "nom manque" in messages and "Cardiologie spatiale" in messages and "ligne 2" in messages
    assert DirectoryEntry.objects.count() == before and report.created == 0


def test_the_export_reads_back_through_the_import_unchanged(establishment, people, director):
    text = services.directory_csv(selectors.directory_of(establishment))
    assert text.startswith("\ufeffnom;prenom;")
    report = services.directory_import(establishment=establishment, by=director, text=text, dry_run=False)
    assert report.errors == [] and (report.created, report.updated) == (0, 0)


# --- API ---------------------------------------------------------------------------


def test_the_api_searches_with_accents_and_typos(establishment, people, observer):
    response = api_for(observer).get(url("api-directory", establishment.pk), {"q": "lefevre"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["last_name"] == "Lefèvre"
    keys = {"id", "last_name", "first_name", "function", "service", "extension", "dect", "direct_line", "mobile"}
    assert keys | {"crisis_role", "checked_at", "is_external", "category"} <= set(row)
    assert row["service"] == "Urgences" and row["crisis_role"] == "Directeur de crise"


def test_the_api_adds_an_entry_and_refuses_bad_input_the_reader_and_the_outsider(
    establishment, people, scribe, observer, outsider
):
    body = {"last_name": "Nouvelle", "first_name": "Zoé", "mobile": "06 00 00 00 09", "category": "ars"}
    response = api_for(scribe).post(url("api-directory", establishment.pk), body, format="json")
    assert response.status_code == 201 and response.json()["is_external"] is True
    assert (
        api_for(scribe).post(url("api-directory", establishment.pk), {"first_name": "x"}, format="json").status_code
        == 400
    )
    bad_phone = {"last_name": "X", "mobile": "appelez-moi"}
    assert api_for(scribe).post(url("api-directory", establishment.pk), bad_phone, format="json").status_code == 400
    assert api_for(observer).post(url("api-directory", establishment.pk), body, format="json").status_code == 403
    assert api_for(outsider).get(url("api-directory", establishment.pk)).status_code == 404
    assert DirectoryEntry.objects.filter(last_name="X").count() == 0


def test_the_api_import_dry_run_reports_errors_line_by_line(establishment, people, director, scribe):
    path = url("api-directory-import", establishment.pk) + "?dry_run=1"
    body = "nom;service\nBon;Urgences\n;Urgences\nAutre;Inconnu\n"
    response = api_for(director).post(path, body.encode(), content_type="text/csv")
    assert response.status_code == 200
    data = response.json()
    assert [e["line"] for e in data["errors"]] == [3, 4] and data["would_create"] == 3 - 0 and data["would_update"] == 0
    refused = api_for(director).post(
        url("api-directory-import", establishment.pk), body.encode(), content_type="text/csv"
    )
    assert refused.status_code == 400 and not DirectoryEntry.objects.filter(last_name="Bon").exists()
    assert api_for(scribe).post(path, body.encode(), content_type="text/csv").status_code == 403
    assert api_for(director).post(path, b"", content_type="text/csv").status_code == 400

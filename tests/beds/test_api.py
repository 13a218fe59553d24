"""The beds' API (the issue's table is a contract: paths, field names, values) and the printed documents."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from pypdf import PdfReader
from rest_framework.test import APIClient

from beds.models import AccessLog, Movement
from printing import registry
from printing import services as printing_services
from printing.models import PrintJob

from .conftest import admit, ago


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def path(establishment, tail: str) -> str:
    return f"/api/establishments/{establishment.pk}/{tail}"


@pytest.fixture
def occupied(establishment, director, ward):
    admit(establishment, director, ward[0], n=7, minutes=90)
    return ward


def test_the_paths_are_the_contract_s(establishment):
    assert reverse("beds:api-units", args=[establishment.pk]) == path(establishment, "units/")
    assert reverse("beds:api-census-import", args=[establishment.pk]) == path(establishment, "census/import/")


def test_units_give_capacity_occupation_and_rate(establishment, scribe, units, occupied):
    rows = api(scribe).get(path(establishment, "units/")).json()
    assert rows[0] == {
        "id": units[0].pk,
        "name": "Cardiologie",
        "capacity": 3,
        "occupied": 1,
        "free": 2,
        "blocked": 0,
        "rate": 33.3,
    }


def test_beds_carry_the_patient_only_for_those_who_see_patient_data(establishment, director, scribe, occupied):
    rows = api(scribe).get(path(establishment, "beds/")).json()
    assert set(rows[0]) == {"id", "label", "unit", "room", "kind", "status", "row", "col"}
    assert (rows[0]["label"], rows[0]["room"], rows[0]["status"], rows[0]["kind"]) == (
        "CAR-101A",
        "101",
        "occupe",
        "standard",
    )
    assert not AccessLog.objects.exists()
    rows = api(director).get(path(establishment, "beds/")).json()
    assert rows[0]["patient"] == {"ref": "IPP00007", "initials": "JD", "birth_year": 1957, "sex": "F"}
    assert rows[1]["patient"] is None
    assert AccessLog.objects.get().what == "api lits"


def test_movements_are_posted_and_listed(establishment, director, scribe, ward):
    body = {
        "kind": "admission",
        "bed": ward[1].pk,
        "occurred_at": ago(30).isoformat(),
        "patient": {"ref": "IPP9", "initials": "MB", "birth_year": 1940, "sex": "M"},
        "source": "fiche_papier",
    }
    created = api(director).post(path(establishment, "movements/"), body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["patient"]["ref"] == "IPP9" and created.json()["kind"] == "admission"
    transfer = {"kind": "transfert", "bed": ward[1].pk, "to_bed": ward[4].pk, "occurred_at": ago(10).isoformat()}
    assert api(director).post(path(establishment, "movements/"), transfer, format="json").status_code == 201
    listed = api(scribe).get(path(establishment, "movements/")).json()["results"]
    assert [m["kind"] for m in listed] == ["transfert", "admission"] and "patient" not in listed[0]
    assert listed[0]["to_bed"] == ward[4].pk


def test_an_impossible_movement_is_a_400_naming_the_reason(establishment, director, occupied):
    body = {
        "kind": "admission",
        "bed": occupied[0].pk,
        "occurred_at": ago(5).isoformat(),
        "patient": {"ref": "IPP9", "initials": "MB", "birth_year": 1940, "sex": "M"},
    }
    response = api(director).post(path(establishment, "movements/"), body, format="json")
    assert response.status_code == 400 and response.json() == {"bed": ["Le lit CAR-101A est déjà occupé."]}
    empty = {"kind": "sortie", "bed": occupied[1].pk, "occurred_at": ago(5).isoformat()}
    response = api(director).post(path(establishment, "movements/"), empty, format="json")
    assert response.status_code == 400 and "vide" in response.json()["bed"][0]
    assert Movement.objects.count() == 1


def test_the_movements_api_refuses_bad_input_the_reader_and_the_outsider(
    establishment, other_establishment, director, scribe, outsider, ward
):
    url = path(establishment, "movements/")
    assert (
        api(director).post(url, {"kind": "envol", "bed": ward[0].pk, "occurred_at": "x"}, format="json").status_code
        == 400
    )
    assert api(director).post(
        url, {"kind": "blocage", "bed": 10**9, "occurred_at": ago(1).isoformat()}, format="json"
    ).json() == {"bed": ["Aucun objet de cet établissement ne porte cet identifiant."]}
    ok = {"kind": "blocage", "bed": ward[0].pk, "occurred_at": ago(1).isoformat()}
    assert api(scribe).post(url, ok, format="json").status_code == 403
    assert api(outsider).post(url, ok, format="json").status_code == 404
    assert api(outsider).get(path(establishment, "beds/")).status_code == 404
    assert not Movement.objects.exists()


def test_the_census_at_a_past_time_with_its_comparison(establishment, director, scribe, ward):
    admit(establishment, director, ward[0], n=1, minutes=180)
    admit(establishment, director, ward[1], n=2, minutes=60)
    at = ago(120)
    census = api(scribe).get(path(establishment, "census/"), {"at": at.isoformat()}).json()
    assert census["totals"]["occupied"] == 1 and census["comparison"]["entries"] == 1
    assert census["units"][0]["entries"] == 1 and census["units"][0]["previous"]["occupied"] == 0
    assert "patient" not in census["beds"][0]
    now = api(director).get(path(establishment, "census/")).json()
    assert now["totals"]["occupied"] == 2 and now["beds"][0]["patient"]["ref"] == "IPP00001"
    assert api(scribe).get(path(establishment, "census/"), {"at": "hier"}).status_code == 400


def test_the_census_import_dry_runs_line_by_line_then_writes_all_or_nothing(establishment, director, scribe, ward):
    url = path(establishment, "census/import/")
    csv = (
        "lit;ipp;initiales;annee_naissance;sexe;entree\n"
        "CAR-101A;IPP1;AB;1950;F;2026-01-02 08:00\n"
        "CAR-101A;IPP2;CD;1960;M;\n"
        "XXX;IPP3;EF;1970;F;\n"
        "GER-101A;IPP4;GH;deux;F;\n"
        "GER-101B;IPP5;IJ;1980;F;\n"
    )
    response = api(director).post(url + "?dry_run=1", csv, content_type="text/csv")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"line": 3, "message": "Le lit CAR-101A est déjà occupé."},
        {"line": 4, "message": "Lit inconnu : « XXX »."},
        {"line": 5, "message": "Année de naissance illisible."},
    ]
    assert response.json()["would_create"] == 2
    assert api(director).post(url, csv, content_type="text/csv").status_code == 400
    assert not Movement.objects.exists()
    good = "\n".join(csv.splitlines()[i] for i in (0, 1, 5))
    dry = api(director).post(url + "?dry_run=1", good, content_type="text/csv").json()
    assert dry == {"dry_run": True, "errors": [], "would_create": 2} and not Movement.objects.exists()
    done = api(director).post(url, good, content_type="text/csv")
    assert done.status_code == 200 and done.json()["created"] == 2 and Movement.objects.count() == 2
    assert api(scribe).post(url, good, content_type="text/csv").status_code == 403
    assert api(director).post(url, "nom;prenom\nx;y\n", content_type="text/csv").json()["errors"][0]["line"] == 1


# --- documents ------------------------------------------------------------------------------


def test_patient_documents_need_the_capability_and_are_left_out_of_the_others_kit(establishment):
    census, inpatients, fiche = (registry.get(n) for n in ("beds_census", "beds_inpatients", "beds_fiche_navette"))
    assert census.required_capability == inpatients.required_capability == "see_patient_data"
    kit = [d.name for d in registry.kit_documents(["read", "print"])]
    assert "beds_fiche_navette" in kit and "beds_census" not in kit and "beds_inpatients" not in kit
    assert fiche.kit_order is not None


def test_a_member_without_the_capability_cannot_request_a_patient_document(establishment, scribe, occupied):
    with pytest.raises(PermissionDenied):
        printing_services.print_job_request(establishment=establishment, by=scribe, document="beds_inpatients")


def test_the_inpatient_list_prints_the_patients_and_logs_it(
    establishment,
    director,
    occupied,
    inline_worker,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        job = printing_services.print_job_request(establishment=establishment, by=director, document="beds_inpatients")
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)
    assert "Cardiologie" in text and "IPP00007" in text and "Gériatrie" not in text
    assert AccessLog.objects.filter(what="document beds_inpatients", patients=1).exists()


def test_the_census_and_the_blank_slips_print(
    establishment, director, occupied, inline_worker, django_capture_on_commit_callbacks
):
    for name, expected in (("beds_census", "Recensement — Gériatrie"), ("beds_fiche_navette", "Fiche navette")):
        with django_capture_on_commit_callbacks(execute=True):
            job = printing_services.print_job_request(establishment=establishment, by=director, document=name)
        job.refresh_from_db()
        assert job.status == PrintJob.Status.DONE, job.error
        text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(job.file.read())).pages)
        assert expected in text


def test_the_import_takes_a_file_field_too_and_refuses_an_empty_request(establishment, director, ward):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = path(establishment, "census/import/") + "?dry_run=1"
    upload = SimpleUploadedFile("r.csv", b"lit,ipp,initiales,annee_naissance,sexe\nCAR-101A,IPP1,AB,1950,F\n")
    response = api(director).post(url, {"file": upload}, format="multipart")
    assert response.status_code == 200 and response.json()["would_create"] == 1
    assert api(director).post(url, {}, format="multipart").json() == {
        "file": ["Envoyez le CSV en corps (text/csv) ou dans le champ « file »."]
    }
    assert not Movement.objects.exists()


def test_every_answer_with_patient_references_is_logged_and_none_without(establishment, director, scribe, occupied):
    for tail in ("beds/", "movements/", "census/"):
        api(scribe).get(path(establishment, tail))
    assert not AccessLog.objects.exists()
    for tail in ("beds/", "movements/", "census/"):
        api(director).get(path(establishment, tail))
    assert sorted(AccessLog.objects.values_list("what", flat=True)) == ["api lits", "api mouvements", "api recensement"]
    assert set(AccessLog.objects.values_list("user", flat=True)) == {director.pk}

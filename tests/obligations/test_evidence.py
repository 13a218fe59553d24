"""The evidence file: complete, signed, tampering detected by name offline, imported back with the same chain."""

import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from crisis import services as crisis_services
from crisis.models import Crisis, JournalEntry, RidaLine
from obligations import evidence, services
from obligations.models import Cost, Kind, Obligation
from tests.conftest import image_bytes


@pytest.fixture
def filled(crisis, director, scribe):
    crisis_services.journal_append(
        crisis=crisis,
        by=scribe,
        text="Photo du tableau blanc.",
        attachment=SimpleUploadedFile("tableau.png", image_bytes(), content_type="image/png"),
    )
    first = crisis_services.journal_append(
        crisis=crisis, by=scribe, text="Fichiers chiffrés au labo.", priority="urgent"
    )
    crisis_services.journal_correct(original=first, by=scribe, text="Fichiers chiffrés au laboratoire.")
    crisis_services.rida_create(crisis=crisis, by=director, text="Prévenir la CNIL.", owner=director)
    meeting = crisis_services.meeting_create(crisis=crisis, by=director, scheduled_at=timezone.now())
    crisis_services.meeting_start(meeting=meeting, by=director)
    services.obligations_ensure(crisis)
    plainte = Obligation.objects.get(crisis=crisis, kind=Kind.PLAINTE)
    services.obligation_update(obligation=plainte, by=director, status="fait", reference="PV-77")
    services.cost_create(
        crisis=crisis, by=director, category="assistance", amount=Decimal("12000.00"), date=timezone.localdate()
    )
    crisis.refresh_from_db()
    return crisis


def empty_the_database():
    """Every table emptied, as a fresh database to import into (TRUNCATE: the journal's trigger allows it)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred check pending before TRUNCATE
    call_command("flush", interactive=False, verbosity=0)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as a fresh transaction has them


def export(crisis, **kwargs) -> bytes:
    return evidence.evidence_zip(crisis, include_patient_data=False, with_pdfs=False, **kwargs)


def rewrite(content: bytes, *, change=None, add=None, remove=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            if name == remove:
                continue
            data = source.read(name)
            if name == change:
                data = data.replace(b"PV-77", b"PV-78")
            target.writestr(name, data)
        if add:
            target.writestr(add, b"ajout")
    return out.getvalue()


def test_the_file_holds_every_record_its_attachments_and_a_signed_manifest(filled):
    content = export(filled)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
        journal = json.loads(archive.read("journal/journal.json"))
    for name in (
        "journal/journal.json",
        "rida/rida.xlsx",
        "obligations/couts.xlsx",
        "data/crisis.crisis.json",
        "data/crisis.journalentry.json",
        "data/crisis.ridaline.json",
        "data/obligations.obligation.json",
        "data/obligations.cost.json",
        "data/crisis.establishment.json",
        "manifest.sig",
    ):
        assert name in names, name
    assert any(n.startswith("attachments/journal/") for n in names)
    assert set(manifest["files"]) == names - {"manifest.json", "manifest.sig"}
    assert journal["verification"]["intact"] and len(journal["entries"]) == filled.journal_last_seq
    report = evidence.verify_zip(io.BytesIO(content))
    assert report.ok and report.chain.startswith("intègre")


def test_the_printed_documents_come_with_the_export(filled):
    content = evidence.evidence_zip(filled, include_patient_data=False, with_pdfs=True)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
        assert archive.read("journal/main-courante.pdf").startswith(b"%PDF")
    assert {"rida/rida.pdf", "obligations/retex.pdf", "points/releve-01.pdf"} <= names


@pytest.mark.parametrize(
    "tamper, expected",
    [
        ({"change": "data/obligations.obligation.json"}, "fichier modifié : data/obligations.obligation.json"),
        ({"add": "data/faux.json"}, "fichier ajouté : data/faux.json"),
        ({"remove": "rida/rida.xlsx"}, "fichier retiré : rida/rida.xlsx"),
    ],
)
def test_verify_export_names_a_changed_added_or_removed_file(filled, tmp_path, tamper, expected):
    path = tmp_path / "dossier.zip"
    path.write_bytes(rewrite(export(filled), **tamper))
    with pytest.raises(CommandError, match=expected):
        call_command("verify_export", str(path))


def test_a_manifest_rewritten_to_match_a_change_fails_its_signature(filled, tmp_path):
    content = rewrite(export(filled), change="data/obligations.obligation.json")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        manifest = json.loads(source.read("manifest.json"))
        changed = source.read("data/obligations.obligation.json")
        import hashlib

        manifest["files"]["data/obligations.obligation.json"] = hashlib.sha256(changed).hexdigest()
        for name in source.namelist():
            target.writestr(name, json.dumps(manifest).encode() if name == "manifest.json" else source.read(name))
    path = tmp_path / "dossier.zip"
    path.write_bytes(out.getvalue())
    with pytest.raises(CommandError, match="signature du manifeste invalide"):
        call_command("verify_export", str(path))


def test_verify_export_with_another_key_cannot_vouch_for_the_file(filled, tmp_path, settings):
    path = tmp_path / "dossier.zip"
    path.write_bytes(export(filled))
    call_command("verify_export", str(path))
    original = settings.JOURNAL_KEY
    settings.JOURNAL_KEY = "une-autre-cle"
    with pytest.raises(CommandError, match="clé inconnue"):
        call_command("verify_export", str(path))
    call_command("verify_export", str(path), key=[original])  # the right key given on the command line


def test_export_crisis_writes_the_zip_and_verify_export_passes(filled, tmp_path, capsys):
    path = tmp_path / "dossier.zip"
    call_command("export_crisis", filled.pk, output=str(path), without_pdf=True)
    call_command("verify_export", str(path))
    assert "Dossier de preuves intègre" in capsys.readouterr().out


def test_import_into_an_empty_database_gives_back_the_same_records_and_chain(filled, tmp_path, capsys):
    path = tmp_path / "dossier.zip"
    path.write_bytes(export(filled))
    head = (filled.journal_last_seq, filled.journal_last_hash)
    hashes = list(JournalEntry.objects.filter(crisis=filled).order_by("seq").values_list("hash", flat=True))
    reference = Obligation.objects.get(crisis=filled, kind=Kind.PLAINTE).reference
    empty_the_database()
    assert not Crisis.objects.exists()
    call_command("import_crisis", str(path))
    crisis = Crisis.objects.get(pk=filled.pk)
    assert (crisis.journal_last_seq, crisis.journal_last_hash) == head
    assert list(JournalEntry.objects.filter(crisis=crisis).order_by("seq").values_list("hash", flat=True)) == hashes
    assert Obligation.objects.get(crisis=crisis, kind=Kind.PLAINTE).reference == reference
    assert Cost.objects.filter(crisis=crisis).count() == 1 and RidaLine.objects.filter(crisis=crisis).count() == 1
    assert "Main courante intègre" in capsys.readouterr().out
    call_command("verify_journal")  # attachments back in storage too


def test_import_refuses_a_database_that_already_has_the_crisis(filled, tmp_path):
    path = tmp_path / "dossier.zip"
    path.write_bytes(export(filled))
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("import_crisis", str(path))


def test_the_evidence_collection_built_by_the_print_pipeline_verifies_offline(
    filled, director, inline_worker, django_capture_on_commit_callbacks
):
    from printing import services as printing

    with django_capture_on_commit_callbacks(execute=True):
        job = printing.print_job_request(
            establishment=filled.establishment, by=director, document="evidence", params={"crisis_id": filled.pk}
        )
    job.refresh_from_db()
    assert job.status == "done", job.error
    content = job.file.read()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = set(archive.namelist())
    assert {"journal/main-courante.pdf", "rida/rida.pdf", "journal/journal.json", "manifest.sig"} <= names
    assert "points/releve-01.pdf" in names
    assert evidence.verify_zip(io.BytesIO(content)).ok
    assert job.left_out == []  # the director sees patient data: nothing left out


def test_the_evidence_collection_leaves_patient_data_out_for_a_member_without_the_capability(
    filled, scribe, inline_worker, django_capture_on_commit_callbacks
):
    from printing import services as printing

    with django_capture_on_commit_callbacks(execute=True):
        job = printing.print_job_request(
            establishment=filled.establishment, by=scribe, document="evidence", params={"crisis_id": filled.pk}
        )
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert [entry["document"] for entry in job.left_out] == ["evidence_patient_data"]


def test_alerts_of_the_crisis_s_time_and_bed_movements_only_for_a_patient_data_reader(crisis, director, establishment):
    from beds.models import Movement
    from tests.beds.conftest import admit
    from tickets.services.alerts import alert_ingest, alert_source_create

    source, _token = alert_source_create(establishment=establishment, name="EDR")
    alert, _new = alert_ingest(
        source=source, external_id="a-1", severity="critique", title="Chiffrement en cours", detected_at=timezone.now()
    )
    unit = establishment.services.create(name="Cardiologie", code="CAR", has_beds=True, position=50)
    from beds.models import Bed, Room

    room = Room.objects.create(establishment=establishment, unit=unit, label="101")
    bed = Bed.objects.create(establishment=establishment, unit=unit, room=room, label="CAR-101A", row=1, col=1)
    admit(establishment, director, bed, minutes=5)
    assert Movement.objects.count() == 1

    without = evidence.evidence_zip(crisis, include_patient_data=False, with_pdfs=False)
    with zipfile.ZipFile(io.BytesIO(without)) as archive:
        names = set(archive.namelist())
        alerts = json.loads(archive.read("data/tickets.alert.json"))
    assert [row["pk"] for row in alerts] == [alert.pk]
    assert not any(name.startswith("data/beds.") for name in names)

    with_patients = evidence.evidence_zip(crisis, include_patient_data=True, with_pdfs=False)
    with zipfile.ZipFile(io.BytesIO(with_patients)) as archive:
        names = set(archive.namelist())
    assert {"data/beds.movement.json", "data/beds.patient.json"} <= names
    assert evidence.verify_zip(io.BytesIO(with_patients)).ok


def test_the_calls_of_a_call_list_come_with_it_and_the_directory_people_they_name(filled, director, directory):
    from comms.services.calls import call_list_create

    call_list_create(crisis=filled, by=director, title="Rappel des urgences", people=directory[:3])
    with zipfile.ZipFile(io.BytesIO(export(filled))) as archive:
        calls = json.loads(archive.read("data/comms.call.json"))
        people = json.loads(archive.read("data/comms.directoryentry.json"))
    assert len(calls) == 3 and {p["pk"] for p in people} == {d.pk for d in directory[:3]}

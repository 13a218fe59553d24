"""A fingerprint changes with the data a document shows, and only with it."""

from comms.models import DirectoryEntry
from continuity.models import DegradedProcedure
from crisis import services as crisis_services
from crisis.models import Establishment
from printing import registry


def fp(establishment, name, params=None):
    return registry.get(name).fingerprint(establishment, params or {})


def test_the_journal_changes_with_a_new_entry(crisis, director, establishment):
    before = fp(establishment, "journal", {"crisis_id": crisis.pk})
    crisis_services.journal_append(crisis=crisis, by=director, text="Coupure internet.")
    crisis.refresh_from_db()
    assert fp(establishment, "journal", {"crisis_id": crisis.pk}) != before


def test_the_journal_ignores_another_crisis(crisis, exercise, director, establishment):
    before = fp(establishment, "journal", {"crisis_id": crisis.pk})
    crisis_services.journal_append(crisis=exercise, by=director, text="Inject n° 3.")
    assert fp(establishment, "journal", {"crisis_id": crisis.pk}) == before


def test_a_procedure_change_moves_its_service_only(establishment, procedures):
    lab, urgences = {"service": "Laboratoire"}, {"service": "Urgences"}
    before_lab, before_urg = fp(establishment, "procedures", lab), fp(establishment, "procedures", urgences)
    procedure = DegradedProcedure.objects.get(service="Urgences")
    procedure.body += "\n\nNouveau : double vérification des étiquettes."
    procedure.save()
    assert fp(establishment, "procedures", urgences) != before_urg
    assert fp(establishment, "procedures", lab) == before_lab


def test_bulk_and_single_fingerprints_agree(establishment, procedures):
    items = registry.get("procedures").items(establishment, [{"service": "Urgences"}])
    assert items[0].chunks[0].fingerprint == fp(establishment, "procedures", {"service": "Urgences"})


def test_a_removed_procedure_changes_the_fingerprint(establishment, procedures):
    before = fp(establishment, "procedures", {"service": "Urgences"})
    DegradedProcedure.objects.create(establishment=establishment, service="Urgences", title="Bis", body="x")
    DegradedProcedure.objects.filter(title="Bis").delete()
    assert fp(establishment, "procedures", {"service": "Urgences"}) == before
    DegradedProcedure.objects.filter(service="Urgences").delete()
    DegradedProcedure.objects.create(establishment=establishment, service="Urgences", title="Autre", body="x")
    assert fp(establishment, "procedures", {"service": "Urgences"}) != before


def test_the_directory_changes_with_a_person_not_with_a_procedure(establishment, directory, procedures):
    before = fp(establishment, "directory", {"chunk": 0})
    DegradedProcedure.objects.filter(service="Urgences").update(version="3")
    assert fp(establishment, "directory", {"chunk": 0}) == before
    entry = DirectoryEntry.objects.first()
    entry.mobile = "07 00 00 00 00"
    entry.save()
    assert fp(establishment, "directory", {"chunk": 0}) != before


def test_blank_forms_depend_on_the_establishment_name_only(establishment, procedures):
    before = fp(establishment, "message_form")
    DegradedProcedure.objects.update(version="9")
    assert fp(establishment, "message_form") == before
    Establishment.objects.filter(pk=establishment.pk).update(name="CH A renommé")
    establishment.refresh_from_db()
    assert fp(establishment, "message_form") != before


def test_beds_change_with_a_bed(establishment, beds):
    before = fp(establishment, "bed_census")
    beds[0].delete()
    assert fp(establishment, "bed_census") != before

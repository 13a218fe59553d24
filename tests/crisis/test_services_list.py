"""An establishment's services and units: one list in the core, the reference list by default, its own to change."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from crisis import services
from crisis.models import DEFAULT_SERVICES, Establishment, Service


def test_a_new_establishment_starts_with_the_reference_list_in_order(db):
    establishment = Establishment.objects.create(name="Centre hospitalier C", short_name="CH-C")
    listed = list(establishment.services.values_list("name", "code", "kind", "has_beds", "position", "is_active"))
    assert listed == [(n, c, k, b, i, True) for i, (n, c, k, b) in enumerate(DEFAULT_SERVICES)]
    assert {"Urgences", "Laboratoire", "Pharmacie", "Standard téléphonique", "DSI"} <= {row[0] for row in listed}


def test_each_establishment_has_its_own_list(establishment, other_establishment):
    Service.objects.filter(establishment=establishment, name="Radiothérapie et chimiothérapie").update(is_active=False)
    Service.objects.create(establishment=establishment, name="Cardiologie", has_beds=True, position=20)
    assert other_establishment.services.filter(name="Cardiologie").exists() is False
    assert other_establishment.services.get(name="Radiothérapie et chimiothérapie").is_active


def test_seeding_again_adds_only_what_is_missing_and_keeps_the_establishment_s_changes(establishment):
    urgences = establishment.services.get(name="Urgences")
    urgences.code = "SAU"
    urgences.save()
    establishment.services.filter(name="DSI").delete()
    created = services.services_seed_defaults(establishment=establishment)
    assert [s.name for s in created] == ["DSI"]
    assert establishment.services.get(name="Urgences").code == "SAU"
    assert establishment.services.count() == len(DEFAULT_SERVICES)


def test_a_service_named_as_text_is_found_whatever_its_case_or_spaces_else_added_at_the_end(establishment):
    assert services.service_named(establishment=establishment, name="  urgences ") == establishment.services.get(
        name="Urgences"
    )
    added = services.service_named(establishment=establishment, name="Cellule  de crise", kind="administratif")
    assert added.name == "Cellule de crise" and added.position == len(DEFAULT_SERVICES)
    assert list(establishment.services.all())[-1] == added


def test_a_service_s_name_is_unique_in_its_establishment(establishment):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Service.objects.create(establishment=establishment, name="Urgences")


def test_the_admin_edits_an_establishment_s_services(client, establishment, django_user_model):
    admin = django_user_model.objects.create_superuser("admin", "admin@example.invalid", "pw-for-the-admin-1")
    client.force_login(admin)
    page = client.get(reverse("admin:crisis_service_changelist"), {"establishment__id__exact": establishment.pk})
    assert page.status_code == 200 and "Urgences" in page.content.decode()
    assert client.get(reverse("admin:crisis_establishment_change", args=[establishment.pk])).status_code == 200


OLD = [("crisis", "0008_rida_meetings_decisions"), ("continuity", "0001_initial"), ("comms", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_procedures_units_beds_and_the_directory_onto_the_list():
    executor = MigrationExecutor(connection)
    executor.migrate(OLD)
    old = executor.loader.project_state(OLD).apps
    establishment = old.get_model("crisis", "Establishment").objects.create(name="CH ancien", short_name="CH-OLD")
    old.get_model("continuity", "DegradedProcedure").objects.create(
        establishment=establishment, service=" urgences", title="Sans DPI", body="Papier."
    )
    old.get_model("continuity", "DegradedProcedure").objects.create(
        establishment=establishment, service="Consultations", title="Sans DPI", body="Papier."
    )
    CareUnit = old.get_model("continuity", "CareUnit")
    Bed = old.get_model("continuity", "Bed")
    for position, (name, code, location) in enumerate([("Cardiologie", "CAR", "Bât. A"), ("Réanimation", "R1", "")]):
        unit = CareUnit.objects.create(
            establishment=establishment, name=name, code=code, location=location, position=position
        )
        Bed.objects.create(unit=unit, label=f"{position}01-A")
    DirectoryEntry = old.get_model("comms", "DirectoryEntry")
    DirectoryEntry.objects.create(establishment=establishment, last_name="Martin", service="Laboratoire")
    DirectoryEntry.objects.create(establishment=establishment, last_name="Durand", service="")

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    from comms.models import DirectoryEntry as Entry
    from continuity.models import Procedure

    listed = Service.objects.filter(establishment_id=establishment.pk)
    assert list(listed.values_list("name", flat=True)[: len(DEFAULT_SERVICES)]) == [d[0] for d in DEFAULT_SERVICES]
    # The stand-in procedures were carried over as published procedures (version 1) by continuity 0005.
    procedures = Procedure.objects.filter(establishment_id=establishment.pk).order_by("title", "pk")
    assert sorted(p.service.name for p in procedures) == ["Consultations", "Urgences"]
    assert all((p.version, p.status, p.versions.get().body) == (1, "publiee", "Papier.") for p in procedures)
    cardiology = listed.get(name="Cardiologie")
    assert (cardiology.has_beds, cardiology.code, cardiology.location) == (True, "CAR", "Bât. A")
    reanimation = listed.get(name="Réanimation")  # the reference one, now with its unit's beds
    assert reanimation.has_beds and reanimation.code == "REA"
    # The beds themselves left continuity (0006): the beds app keeps its own.
    assert dict(Entry.objects.values_list("last_name", "service__name")) == {"Martin": "Laboratoire", "Durand": None}

"""Continuity's API: the issue's table (paths and field names), permissions and bad input.

director: everything; scribe: edits drafts and the map, reports statuses, cannot publish;
pris: reports statuses and workarounds only; observer: reads; outsider: sees nothing."""

import pytest
import yaml

from continuity import services
from continuity.models import Application, ApplicationStatus, Procedure, ReentryKind, Workaround
from crisis.models import Service

from ..conftest import login

pytestmark = pytest.mark.django_db


def base(establishment):
    return f"/api/establishments/{establishment.pk}"


@pytest.fixture
def dpi(establishment, director):
    return services.application_create(establishment=establishment, by=director, name="DPI", priority=1)


@pytest.fixture
def urgences(establishment):
    return Service.objects.get(establishment=establishment, name="Urgences")


def test_the_procedure_lifecycle_through_the_api(client, establishment, director, urgences, dpi):
    login(client, director)
    created = client.post(
        f"{base(establishment)}/procedures/",
        {"service": urgences.pk, "title": "Sans DPI", "body": "## Étapes\n1. Papier", "trigger_applications": [dpi.pk]},
        content_type="application/json",
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert set(data) >= {
        "id",
        "service",
        "title",
        "trigger_applications",
        "body",
        "status",
        "version",
        "owner",
        "validated_by",
        "validated_at",
        "review_due",
        "tested_at",
    }
    assert (data["status"], data["version"], data["trigger_applications"]) == ("brouillon", 0, [dpi.pk])
    url = f"{base(establishment)}/procedures/{data['id']}/"
    published = client.post(url + "publish/", {}, content_type="application/json")
    assert published.status_code == 201 and published.json()["version"] == 1
    patched = client.patch(url, {"body": "v2"}, content_type="application/json")
    assert patched.status_code == 200 and patched.json()["status"] == "brouillon"
    assert client.post(url + "publish/", {}, content_type="application/json").json()["version"] == 2
    versions = client.get(url + "versions/").json()
    assert [v["version"] for v in versions] == [2, 1] and versions[1]["body"] == "## Étapes\n1. Papier"
    again = client.post(url + "publish/", {}, content_type="application/json")
    assert again.status_code == 400  # nothing to publish
    assert client.get(url).json()["validated_by"]


def test_gaps_through_the_api(client, establishment, observer):
    login(client, observer)
    gaps = client.get(f"{base(establishment)}/procedures/gaps/").json()
    assert "Urgences" in [s["name"] for s in gaps["services_without_procedure"]] and gaps["overdue_reviews"] == []


def test_procedure_permissions(client, establishment, urgences, scribe, observer, outsider, director):
    body = {"service": urgences.pk, "title": "T", "body": "B"}
    url = f"{base(establishment)}/procedures/"
    login(client, outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, body, content_type="application/json").status_code == 404
    login(client, observer)
    assert client.get(url).status_code == 200
    assert client.post(url, body, content_type="application/json").status_code == 403
    login(client, scribe)
    pk = client.post(url, body, content_type="application/json").json()["id"]
    assert client.post(f"{url}{pk}/publish/", {}, content_type="application/json").status_code == 403
    login(client, observer)
    assert client.patch(f"{url}{pk}/", {"title": "x"}, content_type="application/json").status_code == 403
    assert Procedure.objects.get().title == "T" and Procedure.objects.get().version == 0


@pytest.mark.parametrize(
    "body",
    [
        {"service": "", "title": "T", "body": "B"},  # no service
        {"service": 999999, "title": "T", "body": "B"},
        {"service": "x", "title": "T", "body": "B"},
        {"service": None, "title": "", "body": "B"},
        {"title": "T", "body": "B", "trigger_applications": [999999]},
        {"title": "T", "body": "B", "kind": "roman"},
        {"title": "T" * 300, "body": "B"},
    ],
)
def test_bad_procedures_are_refused_with_nothing_saved(client, establishment, urgences, director, body):
    login(client, director)
    body = {"service": urgences.pk, **body}
    if body["service"] == "":
        del body["service"]
    response = client.post(f"{base(establishment)}/procedures/", body, content_type="application/json")
    assert response.status_code == 400 and not Procedure.objects.exists()


def test_a_procedure_of_another_establishment_is_404(client, establishment, other_establishment, director, outsider):
    foreign = services.procedure_create_published(
        establishment=other_establishment,
        by=outsider,
        service=Service.objects.filter(establishment=other_establishment).first(),
        title="Ailleurs",
        body="x",
    )
    login(client, director)
    assert client.get(f"{base(establishment)}/procedures/{foreign.pk}/").status_code == 404
    assert client.post(f"{base(establishment)}/procedures/{foreign.pk}/publish/").status_code == 404


def test_the_map_and_the_restart_plan_through_the_api(client, establishment, scribe, observer, urgences):
    login(client, scribe)
    url = f"{base(establishment)}/applications/"
    ad = client.post(
        url, {"name": "Active Directory", "priority": 1, "kind": "infrastructure"}, content_type="application/json"
    )
    assert ad.status_code == 201, ad.json()
    dpi = client.post(
        url,
        {"name": "DPI", "priority": 1, "depends_on": [ad.json()["id"]], "rto_hours": 8, "services": [urgences.pk]},
        content_type="application/json",
    ).json()
    assert set(dpi) >= {
        "id",
        "name",
        "vendor",
        "hosting",
        "criticality",
        "priority",
        "rto_hours",
        "rpo_hours",
        "depends_on",
        "backup_verified_at",
        "procedures",
    }
    assert dpi["depends_on"] == [ad.json()["id"]]
    assert client.post(url, {"name": "x", "priority": 7}, content_type="application/json").status_code == 400
    assert client.post(url, {"name": "dpi"}, content_type="application/json").status_code == 400  # same name
    assert client.post(url, {"name": "y", "depends_on": [999999]}, content_type="application/json").status_code == 400
    login(client, observer)
    assert client.post(url, {"name": "z"}, content_type="application/json").status_code == 403
    plan = client.get(f"{base(establishment)}/restart-plan/").json()
    assert plan["waves"] == [
        [{"application": "Active Directory", "id": ad.json()["id"], "priority": 1, "waits_for": []}],
        [{"application": "DPI", "id": dpi["id"], "priority": 1, "waits_for": ["Active Directory"]}],
    ]
    assert plan["cycles"] == []
    assert Application.objects.count() == 2


def test_a_cycle_through_the_api(client, establishment, director):
    login(client, director)
    url = f"{base(establishment)}/applications/"
    a = client.post(url, {"name": "A"}, content_type="application/json").json()["id"]
    b = client.post(url, {"name": "B", "depends_on": [a]}, content_type="application/json").json()["id"]
    assert client.patch(f"{url}{a}/", {"depends_on": [b]}, content_type="application/json").status_code == 200
    assert client.patch(f"{url}{a}/", {"depends_on": [a]}, content_type="application/json").status_code == 400
    plan = client.get(f"{base(establishment)}/restart-plan/").json()
    assert plan == {"waves": [], "cycles": [["A", "B"]], "blocked": []}


def test_statuses_and_the_situation_through_the_api(client, crisis, establishment, pris, observer, outsider, dpi):
    procedure = services.procedure_create_published(
        establishment=establishment,
        by=None,
        service=Service.objects.get(establishment=establishment, name="Urgences"),
        title="Sans DPI",
        body="x",
        trigger_applications=[dpi],
    )
    url = f"/api/crises/{crisis.pk}/applications/{dpi.pk}/status/"
    body = {"status": "hors_service", "comment": "chiffré", "eta": "2026-12-08T08:00"}
    login(client, outsider)
    assert client.post(url, body, content_type="application/json").status_code == 404
    login(client, observer)
    assert client.post(url, body, content_type="application/json").status_code == 403
    login(client, pris)
    assert client.post(url, {"status": "en_panne"}, content_type="application/json").status_code == 400
    assert client.post(url, {**body, "eta": "demain"}, content_type="application/json").status_code == 400
    assert not ApplicationStatus.objects.exists()
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "hors_service"
    situation = client.get(f"/api/crises/{crisis.pk}/situation/").json()
    (row,) = situation["applications"]
    assert (row["status"], row["restartable_now"], row["comment"]) == ("hors_service", True, "chiffré")
    assert situation["restartable_now"] == ["DPI"]
    assert [p["id"] for p in situation["procedures_in_force"]] == [procedure.pk]


def test_workarounds_through_the_api(client, crisis, establishment, pris, observer, dpi):
    url = f"/api/crises/{crisis.pk}/workarounds/"
    body = {"description": "Clé 4G pour le webmail", "application": dpi.pk, "cost": "45.00"}
    login(client, observer)
    assert client.post(url, body, content_type="application/json").status_code == 403
    login(client, pris)
    assert client.post(url, {"description": ""}, content_type="application/json").status_code == 400
    bad_dates = {**body, "since": "2026-12-08T10:00", "until": "2026-12-07T10:00"}
    assert client.post(url, bad_dates, content_type="application/json").status_code == 400
    assert client.post(url, body, content_type="application/json").status_code == 201
    listed = client.get(url).json()
    assert listed["results"][0]["description"] == "Clé 4G pour le webmail" and Workaround.objects.count() == 1


def test_reentry_through_the_api(client, establishment, scribe, observer):
    url = f"{base(establishment)}/reentry/"
    login(client, observer)
    assert client.post(url, {"kind": "Actes", "total": 10}, content_type="application/json").status_code == 403
    login(client, scribe)
    assert client.post(url, {"kind": "Actes"}, content_type="application/json").status_code == 400
    assert client.post(url, {"kind": "Actes", "entries": 3}, content_type="application/json").status_code == 400
    created = client.post(url, {"kind": "Actes", "total": 40000}, content_type="application/json")
    assert created.status_code == 201
    day = client.post(url, {"kind": "actes", "entries": 200}, content_type="application/json").json()
    assert (day["total"], day["done"], day["per_day"]) == (40000, 200, 200.0) and day["projected_end"]
    assert set(client.get(url).json()[0]) >= {"kind", "total", "done", "per_day", "projected_end"}
    assert ReentryKind.objects.count() == 1


def test_import_and_export_through_the_api(client, establishment, director, procedures):
    login(client, director)
    exported = client.get(f"{base(establishment)}/procedures/export/").json()
    assert len(exported["procedures"]) == 2
    response = client.post(
        f"{base(establishment)}/procedures/import/",
        {"format": "yaml", "content": yaml.safe_dump(exported, allow_unicode=True)},
        content_type="application/json",
    )
    assert response.status_code == 201 and [p["status"] for p in response.json()] == ["brouillon", "brouillon"]
    bad = client.post(
        f"{base(establishment)}/procedures/import/", {"format": "json", "content": "{"}, content_type="application/json"
    )
    assert bad.status_code == 400 and Procedure.objects.count() == 4

"""The admin never bypasses a record's history: read-only, or edited through the record kit."""

import pytest
from django.contrib.admin.sites import AdminSite, site
from django.contrib.auth import get_user_model
from django.test import RequestFactory
from django.urls import reverse

from continuity.models import Procedure
from continuity.services import procedure_create_published
from crisis import live
from crisis.admin import RecordKitAdmin, ViewOnlyAdmin
from crisis.models import Crisis, RecordChange, Service, Topic


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "x")


@pytest.fixture
def unit(establishment):
    return Service.objects.create(establishment=establishment, name="Cardiologie (essai)", has_beds=True)


@pytest.fixture
def procedure(establishment, unit, director):
    return procedure_create_published(
        establishment=establishment, by=director, service=unit, title="Admissions", body="x"
    )


def test_every_admin_of_a_record_with_a_live_topic_is_read_only_or_goes_through_the_kit():
    for model, model_admin in site._registry.items():
        if getattr(model, "live_topic", None):
            assert isinstance(model_admin, ViewOnlyAdmin | RecordKitAdmin), model.__name__


def test_a_post_to_the_admin_of_procedures_changes_nothing(client, superuser, unit, procedure):
    client.force_login(superuser)
    posts = {
        reverse("admin:continuity_procedure_change", args=[procedure.pk]): {
            "establishment": procedure.establishment_id,
            "service": unit.pk,
            "title": "Réécrit dans l'admin",
            "version": "2",
            "body": "y",
        },
        reverse("admin:continuity_procedure_add"): {
            "establishment": procedure.establishment_id,
            "service": unit.pk,
            "title": "Ajouté dans l'admin",
            "body": "z",
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code == 403, url
    assert Procedure.objects.get().title == "Admissions"


def test_the_admin_still_shows_them(client, superuser, unit, procedure):
    client.force_login(superuser)
    response = client.get(reverse("admin:continuity_procedure_change", args=[procedure.pk]))
    assert response.status_code == 200 and "Admissions" in response.content.decode()


def test_a_kit_admin_saves_a_change_with_its_history_and_its_topic(crisis, superuser):
    model_admin = RecordKitAdmin(Crisis, AdminSite())
    request = RequestFactory().post("/admin/")
    request.user = superuser
    before = live.version(crisis, [Topic.CRISIS])
    form_class = model_admin.get_form(request, crisis, fields=["title", "severity"])
    form = form_class({"title": "Rançongiciel — revu", "severity": 3}, instance=crisis)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert Crisis.objects.get(pk=crisis.pk).title == "Rançongiciel — revu"
    change = RecordChange.objects.get(action="update")
    assert (change.changed_by, change.source, change.after) == (superuser, "admin", {"title": "Rançongiciel — revu"})
    assert int(live.version(crisis, [Topic.CRISIS])) == int(before) + 1

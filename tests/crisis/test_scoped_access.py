"""One way to reach an object of a crisis or of an establishment (else 404), and the API bases for both scopes."""

import pytest
from django.http import Http404
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory, force_authenticate

from crisis import services
from crisis.api import CrisisScopedView, EstablishmentScopedView
from crisis.models import JournalEntry, Meeting, Membership, RidaLine
from crisis.permissions import Cap, object_of


@pytest.fixture
def action(crisis, director):
    return services.rida_create(crisis=crisis, by=director, text="Rappeler le biomédical.")


@pytest.fixture
def elsewhere(other_establishment, outsider):
    other = services.crisis_create(establishment=other_establishment, by=outsider, title="Ailleurs")
    return services.rida_create(crisis=other, by=outsider, text="Autre RIDA.")


def test_the_object_of_its_crisis_comes_with_its_crisis_set(crisis, action, django_assert_num_queries):
    with django_assert_num_queries(1):
        line = object_of(crisis, RidaLine, action.pk)
        assert line == action and line.crisis is crisis


def test_an_object_of_another_crisis_or_no_object_is_a_404(crisis, action, elsewhere):
    for key in (elsewhere.pk, 2**63, 0, -1, "1", True):
        with pytest.raises(Http404):
            object_of(crisis, RidaLine, key)


def test_no_key_is_no_object_for_an_optional_link(crisis):
    assert object_of(crisis, Meeting, None) is None


def test_an_establishment_reaches_the_records_of_its_crises_and_its_own(establishment, action, elsewhere, director):
    assert object_of(establishment, RidaLine.objects.select_related("owner"), action.pk) == action
    with pytest.raises(Http404):
        object_of(establishment, RidaLine, elsewhere.pk)
    membership = Membership.objects.get(user=director, establishment=establishment)
    assert object_of(establishment, Membership, membership.pk).establishment is establishment


def test_a_crisis_reaches_its_establishments_records(crisis, director, outsider):
    mine = Membership.objects.get(user=director)
    assert object_of(crisis, Membership, mine.pk) == mine
    with pytest.raises(Http404):
        object_of(crisis, Membership, Membership.objects.get(user=outsider).pk)


def test_an_object_is_looked_up_by_another_unique_field_when_asked(crisis):
    first = object_of(crisis, JournalEntry, 1, field="seq")
    assert first.seq == 1 and first.crisis_id == crisis.pk


# --- API bases --------------------------------------------------------------------


class EstablishmentProbe(EstablishmentScopedView):
    capabilities = {"POST": Cap.ADMINISTER}

    def get(self, request, establishment_id):
        return Response({"establishment": self.establishment.pk, "scope": self.scope.pk})

    def post(self, request, establishment_id):
        line = self.referenced(RidaLine, request.data.get("line"), "line")
        return Response({"line": line.pk})


class CrisisProbe(CrisisScopedView):
    def get(self, request, crisis_id, line_id):
        return Response({"line": self.object_of(RidaLine, line_id).pk, "crisis": self.crisis.pk})


def call(view, user, method="get", data=None, **kwargs):
    request = getattr(APIRequestFactory(), method)("/", data or {}, format="json")
    force_authenticate(request, user=user)
    return view.as_view()(request, **kwargs)


def test_the_establishment_base_resolves_the_establishment_for_a_member(establishment, observer):
    response = call(EstablishmentProbe, observer, establishment_id=establishment.pk)
    assert response.status_code == 200 and response.data == {
        "establishment": establishment.pk,
        "scope": establishment.pk,
    }


def test_the_establishment_base_refuses_an_outsider_404_and_a_member_without_the_capability_403(
    establishment, observer, outsider
):
    assert call(EstablishmentProbe, outsider, establishment_id=establishment.pk).status_code == 404
    assert call(EstablishmentProbe, observer, "post", {"line": 1}, establishment_id=establishment.pk).status_code == 403


def test_a_body_naming_an_object_of_another_scope_is_a_400_on_that_field(establishment, director, action, elsewhere):
    ok = call(EstablishmentProbe, director, "post", {"line": action.pk}, establishment_id=establishment.pk)
    assert ok.status_code == 200 and ok.data == {"line": action.pk}
    refused = call(EstablishmentProbe, director, "post", {"line": elsewhere.pk}, establishment_id=establishment.pk)
    assert refused.status_code == 400 and "line" in refused.data


def test_the_crisis_base_answers_404_for_a_line_of_another_crisis(crisis, director, action, elsewhere):
    assert call(CrisisProbe, director, crisis_id=crisis.pk, line_id=action.pk).data == {
        "line": action.pk,
        "crisis": crisis.pk,
    }
    assert call(CrisisProbe, director, crisis_id=crisis.pk, line_id=elsewhere.pk).status_code == 404

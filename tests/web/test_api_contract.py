"""The API answers what its OpenAPI schema says (found by schemathesis, docs/reliability.md).

Personas: director writes everything, observer only reads; a user of no cell gets no token.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from rest_framework.test import APIClient

from crisis import services
from tests.conftest import PASSWORD


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator

    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


@pytest.fixture
def api(director):
    client = APIClient()
    client.force_login(director)
    return client


def test_the_rida_history_is_documented_as_the_plain_list_it_answers(schema, api, crisis, director):
    line = services.rida_create(crisis=crisis, by=director, text="Prévenir la pharmacie.")
    documented = schema["paths"]["/api/crises/{crisis_id}/rida/{line_id}/history/"]["get"]["responses"]["200"]
    assert documented["content"]["application/json"]["schema"]["type"] == "array"
    answer = api.get(reverse("crisis:api-rida-history", args=[crisis.pk, line.pk]))
    assert answer.status_code == 200 and isinstance(answer.json(), list)


def test_a_body_that_is_not_json_is_a_400_in_the_documented_shape_of_field_errors(api, crisis):
    response = api.post(reverse("crisis:api-journal-list", args=[crisis.pk]), b"\x00{", content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["non_field_errors"] and isinstance(body["non_field_errors"], list)


def test_file_downloads_are_documented_with_the_types_they_are_sent_in(schema):
    paths = schema["paths"]
    attachment = paths["/api/crises/{crisis_id}/journal/{entry_id}/attachment/"]["get"]["responses"]["200"]["content"]
    assert {"image/jpeg", "image/png", "image/webp", "application/pdf"} == set(attachment)
    print_file = paths["/api/print-jobs/{job_id}/file/"]["get"]["responses"]["200"]["content"]
    assert {"application/pdf", "application/zip"} == set(print_file)


def test_request_bodies_are_documented_as_json_and_the_journal_also_as_multipart(schema):
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                expected = {"application/json"}
                if path == "/api/crises/{crisis_id}/journal/":
                    expected.add("multipart/form-data")
                content = set(operation["requestBody"]["content"])
                if path.endswith("/import/") and "text/csv" in content:
                    # CSV imports (a census, a directory): the file as the body, or a form's file field.
                    assert content <= {"text/csv", "multipart/form-data"}, (method, path)
                    continue
                assert content == expected, (method, path)


def test_the_pagination_bounds_are_documented(schema):
    parameters = {p["name"]: p["schema"] for p in schema["paths"]["/api/crises/"]["get"]["parameters"]}
    assert parameters["limit"]["minimum"] == 1 and parameters["offset"]["minimum"] == 0


@pytest.mark.parametrize("value", [123, 4.5, True, ["texte"], {"a": "b"}])
def test_a_number_or_anything_but_text_where_text_is_expected_is_refused(api, crisis, value):
    response = api.post(reverse("crisis:api-rida-list", args=[crisis.pk]), {"text": value}, format="json")
    assert response.status_code == 400 and "text" in response.json()
    response = api.post(reverse("crisis:api-journal-list", args=[crisis.pk]), {"text": value}, format="json")
    assert response.status_code == 400 and "text" in response.json()


def test_an_out_of_range_date_is_refused_with_the_years_written_out(api, crisis):
    response = api.post(
        reverse("crisis:api-journal-list", args=[crisis.pk]),
        {"text": "Horodatage absurde", "occurred_at": "1900-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    message = response.json()["occurred_at"][0]
    assert "2000" in message and "2100" in message and "%(" not in message and "{" not in message


def test_a_user_of_no_cell_gets_no_token(db):
    get_user_model().objects.create_user("sans-cellule", password=PASSWORD)
    response = APIClient().post(
        reverse("crisis:api-token"), {"username": "sans-cellule", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400
    assert "aucune cellule" in response.json()["non_field_errors"][0]


def test_a_member_still_gets_a_token(db, director):
    response = APIClient().post(
        reverse("crisis:api-token"), {"username": "director", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200 and response.json()["token"]


def test_the_errors_of_a_list_field_by_rank_are_in_the_documented_shape(schema, api, crisis):
    from jsonschema import validate

    response = api.post(
        reverse("crisis:api-meeting-list", args=[crisis.pk]),
        {"kind": "cellule", "scheduled_at": "2026-12-06T21:00:00Z", "guests": ["Préfecture", "\x06"]},
        format="json",
    )
    assert response.status_code == 400 and response.json()["guests"] == {"1": ["Ce champ ne peut être vide."]}
    validate(response.json(), schema["components"]["schemas"]["FieldErrors"])

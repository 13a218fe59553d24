"""The crisis API: tokens, scoping by establishment, capabilities, crises and phases, bad input, the schema."""

import re
from datetime import timedelta
from datetime import timezone as dt_timezone

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from crisis.models import AppendOnlyError, Crisis, JournalEntry, Phase
from tests.conftest import PASSWORD, image_bytes
from web.api_errors import exception_handler

from .api_helpers import append, as_user, crisis_url, entry_url, journal_url, phase_url

HUGE_ID = 2**70
PNG = image_bytes()


# --- token ------------------------------------------------------------------


def test_it_gives_a_token_that_authenticates_requests(api, director, crisis):
    response = api.post(reverse("crisis:api-token"), {"username": "director", "password": PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = api.get(reverse("crisis:api-crisis-list"))
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()["results"]] == [crisis.pk]


def test_it_refuses_a_wrong_password_with_400(api, director):
    response = api.post(reverse("crisis:api-token"), {"username": "director", "password": "nope"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()
    assert response.json()["non_field_errors"]


def test_it_refuses_anonymous_requests(api, crisis):
    assert api.get(reverse("crisis:api-crisis-list")).status_code == 401
    assert api.get(journal_url(crisis)).status_code == 401


# --- establishments and memberships -----------------------------------------


def test_it_lists_only_the_users_establishments(api, director, establishment, other_establishment):
    response = as_user(api, director).get(reverse("crisis:api-establishment-list"))
    assert response.status_code == 200
    assert [e["short_name"] for e in response.json()["results"]] == ["CH-A"]


def test_it_hides_an_establishment_of_another_hospital(api, outsider, establishment, other_establishment):
    as_user(api, outsider)
    assert api.get(reverse("crisis:api-establishment-detail", args=[establishment.pk])).status_code == 404
    response = api.get(reverse("crisis:api-establishment-detail", args=[other_establishment.pk]))
    assert response.status_code == 200
    assert response.json()["ght"] == "GHT Test"


def test_it_lists_the_memberships_of_the_users_establishments_only(api, observer, director, scribe, outsider):
    response = as_user(api, observer).get(reverse("crisis:api-membership-list"))
    assert response.status_code == 200
    usernames = {m["user"]["username"] for m in response.json()["results"]}
    assert usernames == {"director", "scribe", "observer"}


# --- crises -----------------------------------------------------------------


def test_it_lists_only_the_crises_of_the_users_establishments(api, outsider, crisis, other_crisis):
    response = as_user(api, outsider).get(reverse("crisis:api-crisis-list"))
    assert [c["id"] for c in response.json()["results"]] == [other_crisis.pk]


@pytest.mark.parametrize("query", [f"offset={HUGE_ID}", f"limit={HUGE_ID}"])
def test_lists_survive_absurd_offsets_and_limits(api, director, crisis, query):
    as_user(api, director)
    for name in ("crisis:api-crisis-list", "crisis:api-establishment-list", "crisis:api-membership-list"):
        response = api.get(f"{reverse(name)}?{query}")
        assert response.status_code == 200
        assert response.json()["count"] >= 1


def test_the_director_opens_a_crisis_with_its_journal(api, director, establishment):
    payload = {"establishment": establishment.pk, "title": "Chiffrement des serveurs", "severity": 4}
    response = as_user(api, director).post(reverse("crisis:api-crisis-list"), payload, format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["title"] == "Chiffrement des serveurs"
    assert body["establishment"]["short_name"] == "CH-A"
    assert body["severity"] == 4
    assert body["phase"] == Phase.ALERTE
    assert body["journal_last_seq"] == 1
    assert JournalEntry.objects.filter(crisis_id=body["id"]).count() == 1


def test_it_refuses_crisis_creation_to_a_read_only_member(api, observer, establishment):
    payload = {"establishment": establishment.pk, "title": "Exercice"}
    response = as_user(api, observer).post(reverse("crisis:api-crisis-list"), payload, format="json")
    assert response.status_code == 403
    assert not Crisis.objects.exists()


def test_it_refuses_crisis_creation_in_another_hospital_without_revealing_it(api, outsider, establishment):
    as_user(api, outsider)
    for establishment_id in (establishment.pk, 999_999, HUGE_ID):
        payload = {"establishment": establishment_id, "title": "Intrusion"}
        response = api.post(reverse("crisis:api-crisis-list"), payload, format="json")
        assert response.status_code == 404, establishment_id
        assert set(response.json()) == {"detail"}
    assert not Crisis.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"kind": "tsunami"}, "kind"),
        ({"severity": 9}, "severity"),
        ({"detected_at": "hier soir"}, "detected_at"),
        ({"detected_at": "0001-01-01T00:00:00"}, "detected_at"),
        ({"detected_at": (timezone.now() + timedelta(days=1)).isoformat()}, "detected_at"),
        ({"detected_at": "2025-03-02T03:00:00+00:00", "awareness_at": "2025-03-01T03:00:00+00:00"}, "awareness_at"),
        ({"establishment": "CH-A"}, "establishment"),
    ],
)
def test_it_answers_400_with_field_errors_on_bad_crisis_input(api, director, establishment, payload, field):
    body = {"establishment": establishment.pk, "title": "Rançongiciel", **payload}
    response = as_user(api, director).post(reverse("crisis:api-crisis-list"), body, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Crisis.objects.exists()


def test_outsider_gets_404_on_every_crisis_url(api, outsider, crisis):
    entry = crisis.journal_entries.get()
    as_user(api, outsider)
    assert api.get(crisis_url(crisis)).status_code == 404
    assert api.post(phase_url(crisis), {"phase": Phase.MOBILISATION}, format="json").status_code == 404
    assert api.get(journal_url(crisis)).status_code == 404
    assert api.post(journal_url(crisis), {"text": "Intrus"}, format="json").status_code == 404
    assert api.get(entry_url(entry)).status_code == 404
    assert api.delete(entry_url(entry)).status_code == 404
    assert crisis.journal_entries.count() == 1


def test_an_unknown_or_huge_crisis_id_answers_404(api, director, crisis):
    as_user(api, director)
    assert api.get(f"/api/crises/{HUGE_ID}/").status_code == 404
    assert api.get(f"/api/crises/{HUGE_ID}/journal/").status_code == 404
    assert api.get(f"/api/crises/{crisis.pk}/journal/{HUGE_ID}/").status_code == 404
    assert api.get(reverse("crisis:api-crisis-detail", args=[10**17])).status_code == 404
    assert api.get("/api/crises/abc/").status_code == 404


def test_a_member_reads_the_crisis(api, observer, crisis):
    response = as_user(api, observer).get(crisis_url(crisis))
    assert response.status_code == 200
    assert response.json()["title"] == "Rançongiciel de nuit"
    assert response.json()["journal_last_seq"] == 1


# --- phase ------------------------------------------------------------------


def test_a_phase_change_is_written_as_a_decision_in_the_journal(api, director, crisis):
    payload = {"phase": Phase.ENDIGUEMENT, "note": "Internet coupé, cœur de réseau isolé."}
    response = as_user(api, director).post(phase_url(crisis), payload, format="json")
    assert response.status_code == 200
    assert response.json()["phase"] == Phase.ENDIGUEMENT
    assert response.json()["journal_last_seq"] == 2

    crisis.refresh_from_db()
    assert crisis.phase == Phase.ENDIGUEMENT
    decision = crisis.journal_entries.get(seq=2)
    assert decision.kind == JournalEntry.Kind.DECISION
    assert decision.phase == Phase.ENDIGUEMENT
    assert "Internet coupé" in decision.text


def test_it_refuses_a_phase_change_to_a_member_who_does_not_decide(api, observer, scribe, crisis):
    for user in (observer, scribe):
        response = as_user(api, user).post(phase_url(crisis), {"phase": Phase.MOBILISATION}, format="json")
        assert response.status_code == 403
    crisis.refresh_from_db()
    assert crisis.phase == Phase.ALERTE


@pytest.mark.parametrize("phase", ["apocalypse", Phase.ALERTE, ""])
def test_it_answers_400_on_an_invalid_phase(api, director, crisis, phase):
    response = as_user(api, director).post(phase_url(crisis), {"phase": phase}, format="json")
    assert response.status_code == 400
    assert "phase" in response.json()
    assert crisis.journal_entries.count() == 1


def test_only_post_changes_the_phase(api, director, crisis):
    assert as_user(api, director).get(phase_url(crisis)).status_code == 405


# --- errors and schema ------------------------------------------------------


def test_a_service_validation_error_becomes_a_400_with_field_errors():
    response = exception_handler(ValidationError({"text": "Le texte est obligatoire."}), {})
    assert response.status_code == 400
    assert response.data == {"text": ["Le texte est obligatoire."]}


def test_a_validation_error_without_field_becomes_non_field_errors():
    response = exception_handler(ValidationError("Incohérent."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Incohérent."]}


def test_an_append_only_violation_is_a_conflict_not_a_crash():
    response = exception_handler(AppendOnlyError("La main courante est en ajout seul."), {})
    assert response.status_code == 409
    assert response.data["detail"] == "La main courante est en ajout seul."


@override_settings(DEBUG=False)
def test_the_schema_is_served_to_an_authenticated_user(api, observer):
    assert api.get(reverse("api-schema")).status_code in (401, 403)
    response = as_user(api, observer).get(reverse("api-schema"))
    assert response.status_code == 200
    assert b"/api/crises/{crisis_id}/journal/" in response.content
    assert api.get(reverse("api-docs")).status_code == 200


def test_a_director_patches_the_awareness_time_through_the_api(client, crisis, director):
    client.force_login(director)
    response = client.patch(
        f"/api/crises/{crisis.pk}/",
        {"awareness_at": crisis.detected_at.isoformat(), "severity": 4},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["severity"] == 4
    crisis.refresh_from_db()
    assert crisis.awareness_at == crisis.detected_at
    assert "Fiche de crise modifiée" in crisis.journal_entries.order_by("-seq").first().text


def test_patching_a_crisis_is_refused_to_readers_and_hidden_from_outsiders(client, crisis, observer, scribe, outsider):
    for user, status in ((observer, 403), (scribe, 403), (outsider, 404)):
        client.force_login(user)
        response = client.patch(f"/api/crises/{crisis.pk}/", {"title": "x"}, content_type="application/json")
        assert response.status_code == status
    crisis.refresh_from_db()
    assert crisis.title == "Rançongiciel de nuit"


def test_a_bad_patch_answers_field_errors(client, crisis, director):
    client.force_login(director)
    response = client.patch(
        f"/api/crises/{crisis.pk}/", {"title": "", "awareness_at": "demain"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"title", "awareness_at"} <= set(response.json())


# --- dates --------------------------------------------------------------------

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.mark.parametrize("moment", ["1999-12-31T22:00:00+00:00", "2101-01-01T00:00:00+01:00", "0001-01-01T00:00:00"])
def test_the_api_bounds_dates_like_the_forms(api, director, scribe, crisis, establishment, moment):
    as_user(api, scribe)
    response = api.post(journal_url(crisis), {"text": "Ligne", "occurred_at": moment}, format="json")
    assert response.status_code == 400 and "occurred_at" in response.json()
    as_user(api, director)
    response = api.patch(crisis_url(crisis), {"awareness_at": moment}, format="json")
    assert response.status_code == 400 and "awareness_at" in response.json()
    body = {"establishment": establishment.pk, "title": "Ancienne", "detected_at": moment}
    response = api.post(reverse("crisis:api-crisis-list"), body, format="json")
    assert response.status_code == 400 and "detected_at" in response.json()
    assert api.get(f"{journal_url(crisis)}?since={moment.replace('+', '%2B')}").status_code == 400
    assert crisis.journal_entries.count() == 1 and Crisis.objects.count() == 1


def test_the_first_and_last_accepted_years_are_2000_and_2100(api, scribe, crisis):
    as_user(api, scribe)
    response = api.post(journal_url(crisis), {"text": "An 2000", "occurred_at": "2000-01-01T00:00:00"}, format="json")
    assert response.status_code == 201
    assert response.json()["occurred_at"] == "1999-12-31T23:00:00Z"  # midnight in Paris


def test_an_event_time_a_little_ahead_is_tolerated_but_not_hours(api, scribe, crisis):
    as_user(api, scribe)
    soon = (timezone.now() + timedelta(minutes=2)).isoformat()
    later = (timezone.now() + timedelta(minutes=10)).isoformat()
    assert (
        api.post(journal_url(crisis), {"text": "Horloge en avance", "occurred_at": soon}, format="json").status_code
        == 201
    )
    response = api.post(journal_url(crisis), {"text": "Plus tard", "occurred_at": later}, format="json")
    assert response.status_code == 400 and "occurred_at" in response.json()


def test_every_datetime_is_written_in_rfc_3339_even_before_1911(api, director, crisis):
    # Written before the bounds existed: Paris was then on its mean solar time (+00:09:21).
    old = append(crisis, director, "Saisie ancienne", occurred_at=timezone.datetime(1900, 1, 1, tzinfo=dt_timezone.utc))
    Crisis.objects.filter(pk=crisis.pk).update(detected_at=timezone.datetime(1905, 6, 1, 12, tzinfo=dt_timezone.utc))
    as_user(api, director)
    entry = api.get(entry_url(old)).json()
    assert entry["occurred_at"] == "1900-01-01T00:00:00Z"
    detail = api.get(crisis_url(crisis)).json()
    listed = api.get(journal_url(crisis)).json()["results"]
    moments = [detail["detected_at"], detail["awareness_at"]] + [
        e[k] for e in listed for k in ("occurred_at", "recorded_at")
    ]
    for moment in moments:
        assert moment is None or RFC3339.match(moment), moment


# --- errors in JSON, paging ---------------------------------------------------


@pytest.mark.parametrize("path", ["/api/crises/abc/", "/api/crises/1/journal/x/", "/api/rien/", "/api/crises/-1/"])
def test_every_api_404_is_json(api, director, path):
    response = as_user(api, director).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Introuvable."}


def test_pages_keep_their_html_404(client, director):
    client.force_login(director)
    response = client.get("/crises/abc/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=abc", "limit"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("offset=x", "offset"),
        ("offset=-1", "offset"),
    ],
)
def test_malformed_paging_parameters_are_a_400(api, director, crisis, query, field):
    as_user(api, director)
    for name in ("crisis:api-crisis-list", "crisis:api-establishment-list", "crisis:api-membership-list"):
        response = api.get(f"{reverse(name)}?{query}")
        assert response.status_code == 400, name
        assert field in response.json()


def test_well_formed_paging_still_pages(api, director, crisis, exercise):
    response = as_user(api, director).get(f"{reverse('crisis:api-crisis-list')}?limit=1&offset=1")
    assert response.status_code == 200
    assert response.json()["count"] == 2 and len(response.json()["results"]) == 1


# --- schema -------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    with django_db_blocker.unblock():
        generated = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(generated)
    return generated


def test_the_schema_validates_without_warnings(db, tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "schema.yaml"))
    assert (tmp_path / "schema.yaml").stat().st_size > 0


def test_the_schema_documents_the_error_answers(schema):
    operations = schema["paths"]
    journal_post = operations["/api/crises/{crisis_id}/journal/"]["post"]["responses"]
    assert {"201", "400", "401", "403", "404", "413"} <= set(journal_post)
    assert {"400", "429"} <= set(operations["/api/auth/token/"]["post"]["responses"])
    assert "401" not in operations["/api/auth/token/"]["post"]["responses"]
    assert {"401", "403", "404"} <= set(operations["/api/crises/{crisis_id}/"]["get"]["responses"])
    assert {"400", "401", "403"} <= set(operations["/api/crises/"]["get"]["responses"])
    for path, methods in operations.items():
        for method, operation in methods.items():
            assert {"401", "429"} & set(operation["responses"]), (method, path)
    assert schema["components"]["responses"]["TooManyRequests"]["headers"]["Retry-After"]


def test_the_json_body_of_an_entry_lists_no_binary_attachment(schema):
    body = schema["paths"]["/api/crises/{crisis_id}/journal/"]["post"]["requestBody"]["content"]
    json_schema = body["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    upload_schema = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "attachment" not in schema["components"]["schemas"][json_schema]["properties"]
    assert schema["components"]["schemas"][upload_schema]["properties"]["attachment"]["format"] == "binary"

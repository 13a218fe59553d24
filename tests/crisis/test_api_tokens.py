"""API tokens: an expiry, revoked when access changes, revocable by their user, renewed by a login."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from crisis.models import Membership, Role
from tests.conftest import PASSWORD


def login(username="director", password=PASSWORD):
    return APIClient().post(reverse("crisis:api-token"), {"username": username, "password": password}, format="json")


def with_token(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def works(key: str) -> bool:
    status = with_token(key).get(reverse("crisis:api-crisis-list")).status_code
    assert status in (200, 401)
    return status == 200


def test_a_login_gives_a_token_with_its_expiry(director, settings):
    before = timezone.now()
    body = login().json()
    assert works(body["token"])
    expires = timezone.datetime.fromisoformat(body["expires_at"])
    assert body["expires_at"].endswith("Z")
    assert before + timedelta(seconds=settings.API_TOKEN_TTL - 5) < expires
    assert expires <= timezone.now() + timedelta(seconds=settings.API_TOKEN_TTL)


def test_logging_in_again_while_it_is_valid_gives_the_same_token(director):
    assert login().json()["token"] == login().json()["token"]


def test_an_expired_token_is_refused_and_a_login_gives_a_new_one(director, settings):
    old = login().json()["token"]
    Token.objects.filter(key=old).update(created=timezone.now() - timedelta(seconds=settings.API_TOKEN_TTL + 1))
    response = with_token(old).get(reverse("crisis:api-crisis-list"))
    assert response.status_code == 401 and "expiré" in response.json()["detail"]
    assert not Token.objects.filter(key=old).exists()
    new = login().json()["token"]
    assert new != old and works(new)


def test_an_expired_token_is_not_handed_out_again_at_login(director, settings):
    old = login().json()["token"]
    Token.objects.filter(key=old).update(created=timezone.now() - timedelta(seconds=settings.API_TOKEN_TTL + 1))
    assert login().json()["token"] != old


def test_a_password_change_revokes_the_token(director):
    old = login().json()["token"]
    director.set_password("un-nouveau-mot-de-passe")
    director.save()
    assert not works(old)
    new = login(password="un-nouveau-mot-de-passe").json()["token"]
    assert new != old and works(new)


def test_saving_a_user_without_a_new_password_keeps_the_token(director):
    key = login().json()["token"]
    director.first_name = "Claire-Marie"
    director.save()
    assert works(key)


def test_a_deactivated_user_loses_the_token(director):
    key = login().json()["token"]
    director.is_active = False
    director.save()
    assert not Token.objects.filter(key=key).exists()


def test_losing_the_last_active_membership_revokes_the_token(director, other_establishment):
    second = Membership.objects.create(user=director, establishment=other_establishment, role=Role.OBSERVATEUR)
    key = login().json()["token"]
    second.is_active = False
    second.save()
    assert works(key)  # still a member of CH-A
    Membership.objects.filter(pk=second.pk).delete()
    first = Membership.objects.get(user=director)
    first.is_active = False
    first.save()
    assert not Token.objects.filter(key=key).exists()


def test_a_membership_deactivated_in_bulk_ends_the_token_at_its_next_use(director):
    key = login().json()["token"]
    Membership.objects.filter(user=director).update(is_active=False)  # no signal for bulk updates
    assert not works(key)
    assert not Token.objects.filter(key=key).exists()


def test_a_user_revokes_their_token_through_the_api_and_a_login_gets_a_new_one(director, scribe):
    key = login().json()["token"]
    other = login("scribe").json()["token"]
    assert with_token(key).delete(reverse("crisis:api-token")).status_code == 204
    assert not works(key)
    assert works(other)  # only the caller's
    new = login().json()["token"]
    assert new != key and works(new)


def test_revoking_needs_authentication_and_delete(director):
    assert APIClient().delete(reverse("crisis:api-token")).status_code == 401
    key = login().json()["token"]
    assert with_token(key).get(reverse("crisis:api-token")).status_code == 405
    assert with_token(key).put(reverse("crisis:api-token"), {}, format="json").status_code == 405
    assert works(key)


def test_a_user_revokes_their_token_from_the_home_page(client, director):
    key = login().json()["token"]
    client.force_login(director)
    page = client.get(reverse("crisis:home")).content.decode()
    assert "Révoquer mon jeton d'API" in page
    response = client.post(reverse("crisis:api-token-revoke"))
    assert response.status_code == 302
    assert not works(key)
    assert "Révoquer mon jeton d'API" not in client.get(reverse("crisis:home")).content.decode()


def test_the_revoke_button_only_posts_and_needs_login(client, director):
    key = login().json()["token"]
    assert client.post(reverse("crisis:api-token-revoke")).status_code == 302  # to the login page
    client.force_login(director)
    assert client.get(reverse("crisis:api-token-revoke")).status_code == 405
    assert works(key)


@pytest.mark.parametrize(("value", "expected"), [("", "2592000"), ("3600", "3600"), ("un mois", "ValueError")])
def test_the_token_lifetime_is_an_environment_knob(value, expected):
    env = {**os.environ, "API_TOKEN_TTL": value, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings"}
    code = "from django.conf import settings\ntry:\n print(settings.API_TOKEN_TTL)\nexcept ValueError:\n print('ValueError')"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == expected, result.stderr

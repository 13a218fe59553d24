"""The session engine and the auth backend that read per request with ready queries keep Django's rules."""

from datetime import timedelta

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from web.auth import ModelBackend
from web.sessions import SessionStore


def test_a_logged_in_member_stays_logged_in_from_one_request_to_the_next(client, scribe):
    assert client.login(username="scribe", password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("home")).status_code == 200
    assert Session.objects.count() == 1


def test_an_expired_session_is_not_read_and_its_key_is_replaced(scribe):
    store = SessionStore()
    store[SESSION_KEY] = str(scribe.pk)
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None


def test_an_unknown_session_key_reads_as_an_empty_session(db):
    assert SessionStore("x" * 32).load() == {}


def test_a_session_whose_data_was_tampered_with_reads_as_empty(scribe):
    store = SessionStore()
    store[SESSION_KEY] = str(scribe.pk)
    store.save()
    Session.objects.filter(session_key=store.session_key).update(session_data="forged:data")
    assert SessionStore(store.session_key).load() == {}


def test_logging_out_ends_the_session(client, scribe):
    assert client.login(username="scribe", password=PASSWORD)
    client.post(reverse("logout"))
    assert Session.objects.count() == 0
    assert client.get(reverse("home")).status_code == 302


def test_a_deactivated_user_is_logged_out_at_the_next_request(client, scribe):
    client.force_login(scribe)
    scribe.is_active = False
    scribe.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_password_change_elsewhere_logs_the_other_sessions_out(client, scribe):
    client.force_login(scribe)
    scribe.set_password("another-horse-battery")
    scribe.save()
    assert client.get(reverse("home")).status_code == 302


def test_the_backend_returns_the_same_user_as_the_orm_with_aware_datetimes(scribe):
    scribe.last_login = timezone.now()
    scribe.save()
    user = ModelBackend().get_user(scribe.pk)
    orm = type(scribe).objects.get(pk=scribe.pk)
    fields = [f.attname for f in type(scribe)._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert timezone.is_aware(user.last_login) and timezone.is_aware(user.date_joined)
    assert ModelBackend().get_user(scribe.pk + 1000) is None

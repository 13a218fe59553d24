"""The session engine, the middleware and the backend that read per request with ready queries keep Django's rules.

web.sessions reads the session and its user in one joined query; web.auth.AuthenticationMiddleware
takes that user only where Django's auth.get_user would accept it, and leaves every other case to it.
"""

from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db as django_db_sessions
from django.urls import reverse
from django.utils import timezone

from config.celery import app
from tests.conftest import PASSWORD
from tests.crisis.test_journal_views import poll_url
from web import tasks
from web.auth import ModelBackend
from web.models import Session
from web.sessions import SessionStore

move_sessions = import_module("web.migrations.0002_session").move_sessions


def session_of(client) -> Session:
    return Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)


def logged_in(client) -> bool:
    return client.get(reverse("crisis:home")).status_code == 200


def test_a_logged_in_member_stays_logged_in_from_one_request_to_the_next(client, scribe):
    assert client.login(username="scribe", password=PASSWORD)
    assert logged_in(client) and logged_in(client)
    assert Session.objects.count() == 1 and session_of(client).user_id == scribe.pk


def test_the_session_row_names_the_user_of_its_data_and_follows_a_login_as_someone_else(client, scribe, director):
    client.get(reverse("web:login"))  # anonymous: no user yet (if the page stores anything at all)
    assert not Session.objects.exclude(user=None).exists()
    client.force_login(scribe)
    assert session_of(client).user_id == scribe.pk
    client.force_login(director)
    assert session_of(client).user_id == director.pk and Session.objects.count() == 1


def test_the_poll_reads_session_and_user_in_one_query(client, crisis, scribe, django_assert_max_num_queries):
    client.force_login(scribe)
    url = poll_url(crisis)
    with django_assert_max_num_queries(2) as queries:
        assert client.get(url, HTTP_HX_REQUEST="true").status_code == 204
    first = queries.captured_queries[0]["sql"]
    assert "web_session" in first and "auth_user" in first, queries.captured_queries
    assert not [q for q in queries.captured_queries[1:] if "auth_user" in q["sql"]], "the user is not read twice"


def test_an_expired_session_is_not_read_and_its_key_is_replaced(scribe):
    store = SessionStore()
    store[SESSION_KEY] = str(scribe.pk)
    store.save()
    Session.objects.filter(session_key=store.session_key).update(expire_date=timezone.now() - timedelta(seconds=1))
    expired = SessionStore(store.session_key)
    assert expired.load() == {} and expired.session_key is None
    assert expired.loaded_user() is None


def test_an_expired_session_logs_out(client, scribe):
    client.force_login(scribe)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not logged_in(client)


def test_an_unknown_session_key_reads_as_an_empty_session(db):
    store = SessionStore("x" * 32)
    assert store.load() == {} and store.loaded_user() is None


def test_a_session_whose_data_was_tampered_with_reads_as_empty_even_with_its_user_column(client, scribe):
    client.force_login(scribe)
    Session.objects.update(session_data="forged:data")
    store = SessionStore(session_of(client).session_key)
    assert store.load() == {}
    assert not logged_in(client)


def test_the_user_column_is_no_authority_the_signed_data_is(client, scribe, director):
    """A row whose column names another user (not something web.sessions writes) logs in the data's user."""
    client.force_login(scribe)
    Session.objects.update(user=director)
    response = client.get(reverse("crisis:home"))
    assert response.status_code == 200 and response.wsgi_request.user == scribe


def test_the_joined_user_is_taken_only_when_it_is_the_user_of_the_data(client, scribe, director):
    """Even with a hash that would pass for the joined user: the data's user decides, and his hash fails."""
    client.force_login(scribe)
    store = SessionStore(session_of(client).session_key)
    store[HASH_SESSION_KEY] = director.get_session_auth_hash()
    store.save()
    Session.objects.update(user=director)
    assert not logged_in(client)


def test_logging_out_ends_the_session(client, scribe):
    assert client.login(username="scribe", password=PASSWORD)
    client.post(reverse("web:logout"))
    assert Session.objects.count() == 0
    assert client.get(reverse("crisis:home")).status_code == 302


def test_a_deactivated_user_is_logged_out_at_the_next_request(client, scribe):
    client.force_login(scribe)
    scribe.is_active = False
    scribe.save()
    response = client.get(reverse("crisis:home"))
    assert response.status_code == 302 and "/connexion/" in response["Location"]


def test_a_password_change_elsewhere_logs_the_other_sessions_out_and_flushes_them(client, scribe):
    client.force_login(scribe)
    scribe.set_password("another-horse-battery")
    scribe.save()
    assert client.get(reverse("crisis:home")).status_code == 302
    assert not Session.objects.filter(user=scribe).exists()


def test_a_session_from_a_retired_secret_key_is_cycled_as_django_does(client, scribe, settings):
    client.force_login(scribe)
    old_key = session_of(client).session_key
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "the-next-secret-key-" + "x" * 40
    response = client.get(reverse("crisis:home"))
    assert response.status_code == 200 and response.wsgi_request.user == scribe
    assert session_of(client).session_key != old_key
    assert SessionStore(session_of(client).session_key).load()[HASH_SESSION_KEY] == scribe.get_session_auth_hash()


def test_a_session_of_a_backend_no_longer_configured_is_anonymous(client, scribe, settings):
    client.force_login(scribe)
    settings.AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
    assert not logged_in(client)


def test_deleting_a_user_deletes_their_sessions(client, scribe):
    client.force_login(scribe)
    scribe.delete()
    assert Session.objects.count() == 0
    assert not logged_in(client)


def test_a_session_without_its_user_column_still_works_the_django_way(
    client, crisis, scribe, django_assert_max_num_queries
):
    """A row moved from django_session by migration 0002 has no user id until it is saved again."""
    client.force_login(scribe)
    Session.objects.update(user=None)
    url = poll_url(crisis)
    with django_assert_max_num_queries(3) as queries:  # the session, the user, the versions: as before
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response.wsgi_request.user == scribe
    assert [q for q in queries.captured_queries if "auth_user" in q["sql"] and "web_session" not in q["sql"]]


def test_the_migration_moves_live_sessions_and_their_members_stay_logged_in(client, scribe):
    old_engine = django_db_sessions.SessionStore()
    client.force_login(scribe)  # the login data, as a session from before the migration held it
    data = SessionStore(session_of(client).session_key).load()
    Session.objects.all().delete()
    old_engine.update(data)
    old_engine.create()
    expired = django_db_sessions.SessionStore()
    expired.set_expiry(-1)
    expired.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = old_engine.session_key

    move_sessions(("sessions", "Session"), ("web", "Session"))(apps, None)

    assert list(Session.objects.values_list("session_key", "user_id")) == [(old_engine.session_key, None)]
    assert not apps.get_model("sessions", "Session").objects.exists()
    assert logged_in(client)


def test_the_user_read_with_the_session_has_the_orm_fields_and_aware_datetimes(client, scribe):
    scribe.last_login = timezone.now()
    scribe.save()
    client.force_login(scribe)
    store = SessionStore(session_of(client).session_key)
    user = store.loaded_user()
    orm = type(scribe).objects.get(pk=scribe.pk)
    fields = [f.attname for f in type(scribe)._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert timezone.is_aware(user.last_login) and timezone.is_aware(user.date_joined)
    assert timezone.is_aware(Session.objects.get().expire_date)


def test_the_user_read_with_the_session_is_dropped_when_the_session_changes_key(client, scribe):
    client.force_login(scribe)
    store = SessionStore(session_of(client).session_key)
    assert store.loaded_user() == scribe
    store.cycle_key()
    assert store.loaded_user() is None
    store.flush()
    assert store.loaded_user() is None


def test_the_backend_returns_the_same_user_as_the_orm_with_aware_datetimes(scribe):
    scribe.last_login = timezone.now()
    scribe.save()
    user = ModelBackend().get_user(scribe.pk)
    orm = type(scribe).objects.get(pk=scribe.pk)
    fields = [f.attname for f in type(scribe)._meta.concrete_fields]
    assert [getattr(user, f) for f in fields] == [getattr(orm, f) for f in fields]
    assert timezone.is_aware(user.last_login) and timezone.is_aware(user.date_joined)
    assert ModelBackend().get_user(scribe.pk + 1000) is None


def test_expired_sessions_are_purged_daily_and_live_ones_kept(client, scribe):
    client.force_login(scribe)
    live = session_of(client).session_key
    expired = SessionStore()
    expired.set_expiry(-1)
    expired.create()

    tasks.purge_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    task = tasks.purge_expired_sessions
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert task.name in schedule and task.name in app.tasks
    assert task.soft_time_limit < task.time_limit

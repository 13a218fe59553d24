"""A refused write (403) is one line of the server log, who, what and why; never a traceback."""

import logging

from django.urls import reverse


def test_a_refused_write_is_logged_as_one_line_with_who_what_and_why(client, crisis, observer, caplog):
    client.force_login(observer)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(reverse("crisis:journal", args=[crisis.pk]), {"text": "x"})
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    line = record.getMessage()
    assert record.exc_info is None and "\n" not in line
    assert f"POST /crises/{crisis.pk}/main-courante/" in line
    assert "observer" in line and "write_journal" in line


def test_a_server_error_keeps_its_traceback(rf):
    from web.log_filters import OneLineRefusals

    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        record = logging.LogRecord("django.request", logging.ERROR, "", 0, "Internal Server Error", (), sys.exc_info())
    record.status_code, record.request = 500, rf.get("/")
    OneLineRefusals().filter(record)
    assert record.exc_info is not None

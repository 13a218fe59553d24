"""Call lists worked on screen and by SMS: outcomes, the Gammu gateway on its dummy driver (sent messages land
in its outbox, a reply in its inbox becomes the person's outcome), a gateway down leaves messages queued."""

import pytest

from comms import services, sms, tasks
from comms.models import Call, CallList, Sms

from .conftest import api_for, needs_gammu, phone_receives, run_daemon, url


@pytest.fixture
def recall(crisis, people, scribe):
    staff = [p for p in people if not p.is_external]
    return services.call_list_create(
        crisis=crisis,
        by=scribe,
        title="Rappel des urgences",
        message="Venez-vous ? Répondez OUI 20 min ou NON",
        people=staff,
    )


@pytest.fixture
def queued(monkeypatch):
    """The sending task's dispatch (on commit), recorded instead of sent to a broker."""
    sent = []
    monkeypatch.setattr(tasks.send_sms, "delay", lambda ids: sent.append(ids))
    return sent


@pytest.fixture
def send(django_capture_on_commit_callbacks, scribe):
    def send(call_list):
        with django_capture_on_commit_callbacks(execute=True):
            return services.call_list_send_sms(call_list=call_list, by=scribe)

    return send


def test_a_call_list_keeps_its_people_in_order_and_records_outcomes(recall, scribe):
    calls = list(recall.calls.order_by("position"))
    assert [c.person.last_name for c in calls] == ["Lefèvre", "Carpentier", "Çelik", "Dupont", "Martin"]
    calls[0].call_list = recall
    services.call_record(call=calls[0], by=scribe, outcome="vient", arrival="20 min")
    calls[0].refresh_from_db()
    assert (calls[0].outcome, calls[0].arrival, calls[0].by, calls[0].at is not None) == (
        "vient",
        "20 min",
        scribe,
        True,
    )


def test_the_api_lists_call_lists_with_their_calls_and_records_an_outcome(crisis, recall, scribe, observer, outsider):
    response = api_for(observer).get(url("api-call-lists", crisis.pk))
    assert response.status_code == 200
    (listed,) = response.json()
    call = listed["calls"][1]
    assert {"person", "outcome", "at", "by"} <= set(call)
    path = url("api-call", crisis.pk, recall.pk, call["id"])
    answered = api_for(scribe).post(path, {"outcome": "pas_de_reponse"}, format="json")
    assert answered.status_code == 200 and answered.json()["outcome"] == "pas_de_reponse" and answered.json()["by"]
    assert api_for(scribe).post(path, {"outcome": "peut-etre"}, format="json").status_code == 400
    assert api_for(observer).post(path, {"outcome": "joint"}, format="json").status_code == 403
    assert api_for(outsider).post(path, {"outcome": "joint"}, format="json").status_code == 404
    assert Call.objects.get(pk=call["id"]).outcome == "pas_de_reponse"


def test_the_api_creates_a_list_from_directory_ids_and_refuses_strangers(
    crisis, people, scribe, observer, other_establishment
):
    from comms.models import DirectoryEntry

    stranger = DirectoryEntry.objects.create(establishment=other_establishment, last_name="Ailleurs")
    body = {"title": "Cellule", "people": [people[4].pk, people[0].pk]}
    created = api_for(scribe).post(url("api-call-lists", crisis.pk), body, format="json")
    assert created.status_code == 201 and [c["person"] for c in created.json()["calls"]] == [people[4].pk, people[0].pk]
    for bad in ({"title": "x", "people": [stranger.pk]}, {"title": "x", "people": []}, {"people": [people[0].pk]}):
        assert api_for(scribe).post(url("api-call-lists", crisis.pk), bad, format="json").status_code == 400
    assert api_for(observer).post(url("api-call-lists", crisis.pk), body, format="json").status_code == 403
    assert CallList.objects.count() == 1


def test_replies_are_read_as_outcomes():
    assert services.calls.parse_reply("OUI 20 min") == ("vient", "20 min", "OUI 20 min")
    assert services.calls.parse_reply("oui") == ("vient", "", "oui")
    assert services.calls.parse_reply("Non, malade")[0] == "joint"
    assert services.calls.parse_reply("qui est-ce ?")[0] == "joint"


def test_numbers_are_written_as_the_network_writes_them():
    assert sms.msisdn("06 12 34 56 78") == "+33612345678"
    assert sms.msisdn("0033 6 12 34 56 78") == "+33612345678"
    assert sms.is_mobile("06 12 34 56 78") and not sms.is_mobile("04 90 00 10 00") and not sms.is_mobile("")


@needs_gammu
def test_sms_go_through_gammu_to_the_outbox_and_a_reply_becomes_the_outcome(crisis, recall, spool, queued, send):
    result = send(recall)
    assert [f["reason"] for f in result["failed"]] == ["pas de numéro de mobile"]  # Çelik has no mobile
    assert len(result["sent"]) == 4 and Sms.objects.filter(status="en_attente").count() == 4
    services.sms_deliver(sms_ids=[pk for ids in queued for pk in ids])  # what the task does
    outbox = sorted(p.name for p in (spool / "outbox").iterdir())
    assert len(outbox) == 4 and any("+33612345601" in name for name in outbox)
    assert Sms.objects.filter(status="envoye").count() == 4

    phone_receives(spool, "+33612345601", "OUI 20 min")
    run_daemon(spool, received=1)
    assert len(list((spool / "sent").iterdir())) == 4 and not list((spool / "outbox").iterdir())
    assert len(list((spool / "inbox").iterdir())) == 1
    assert services.sms_receive() == 1
    lefevre = recall.calls.get(person__last_name="Lefèvre")
    assert (lefevre.outcome, lefevre.arrival, lefevre.channel, lefevre.by) == ("vient", "20 min", "SMS", None)
    assert services.sms_receive() == 0  # read once
    again = send(recall)  # Lefèvre is reached: not sent again
    assert "+33612345601" not in [s["number"] for s in again["sent"]]


def test_a_gateway_down_leaves_the_messages_queued_and_says_so(crisis, recall, tmp_path, settings, queued, send):
    settings.COMMS_SMS_DIR = str(tmp_path / "absent")  # no configuration: the gateway is down
    result = send(recall)
    assert result["sent"] == [] and result["gateway"]["ready"] is False
    assert sum("file d'attente" in f["reason"] for f in result["failed"]) == 4
    ids = [pk for ids in queued for pk in ids]
    with pytest.raises(sms.GatewayDown):
        services.sms_deliver(sms_ids=ids)
    first = Sms.objects.get(pk=ids[0])
    assert (first.status, first.attempts) == ("en_attente", 1) and first.error
    assert Sms.objects.filter(status="en_attente").count() == 4  # nothing lost


@needs_gammu
def test_queued_messages_leave_once_the_gateway_is_back(crisis, recall, tmp_path, settings, queued, send):
    settings.COMMS_SMS_DIR = str(tmp_path / "sms")
    send(recall)
    ids = [pk for ids in queued for pk in ids]
    with pytest.raises(sms.GatewayDown):
        services.sms_deliver(sms_ids=ids)
    sms.ensure_spool()  # the modem is back; the list is sent again: the queued messages go, none doubled
    again = send(recall)
    assert len(again["sent"]) == 4 and sorted(queued[-1]) == sorted(ids)
    assert services.sms_deliver(sms_ids=queued[-1]) == {"delivered": 4}
    assert Sms.objects.filter(status="envoye").count() == 4


def test_the_sms_api_answers_sent_and_failed(crisis, recall, scribe, observer, outsider, tmp_path, settings, queued):
    settings.COMMS_SMS_DIR = str(tmp_path / "absent")
    path = url("api-call-list-sms", crisis.pk, recall.pk)
    response = api_for(scribe).post(path)
    assert response.status_code == 200 and set(response.json()) >= {"sent", "failed"}
    assert all(f["reason"] for f in response.json()["failed"])
    assert api_for(observer).post(path).status_code == 403
    assert api_for(outsider).post(path).status_code == 404
    services.call_list_close(call_list=recall, by=scribe)
    assert api_for(scribe).post(path).status_code == 400


def test_the_http_provider_posts_each_message_and_a_refusal_keeps_it_queued(settings):
    import json
    import threading
    from http.server import BaseHTTPRequestHandler, HTTPServer

    received, answers = [], [200, 503]

    class Provider(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(answers.pop(0))
            self.end_headers()
            self.wfile.write(b'{"id": "abc"}')

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=server.handle_request, daemon=True).start()
    threading.Thread(target=server.handle_request, daemon=True).start()
    settings.COMMS_SMS_GATEWAY = "http"
    settings.COMMS_SMS_HTTP_URL = f"http://127.0.0.1:{server.server_port}/sms"
    try:
        assert sms.send("06 12 34 56 78", "Venez") == "abc"
        assert received == [{"to": "+33612345678", "text": "Venez"}]
        with pytest.raises(sms.GatewayDown):
            sms.send("06 12 34 56 78", "Venez")
    finally:
        server.server_close()
    assert sms.status()["ready"] and sms.replies() == []


def test_replies_are_collected_every_minute_by_beat(settings):
    from config.celery import app

    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    for task in (tasks.receive_sms, tasks.send_sms):
        assert task.name in app.tasks and task.soft_time_limit < task.time_limit
    assert tasks.receive_sms.name in schedule


@needs_gammu
def test_the_receiving_task_records_the_replies(crisis, recall, spool, queued, send):
    send(recall)
    services.sms_deliver(sms_ids=queued[0])
    phone_receives(spool, "+33612345604", "NON malade")
    run_daemon(spool, received=1)
    assert tasks.receive_sms() == 1
    dupont = recall.calls.get(person__last_name="Dupont")
    assert (dupont.outcome, dupont.note) == ("joint", "ne vient pas : malade")

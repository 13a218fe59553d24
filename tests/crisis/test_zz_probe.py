import json
import pytest
from rest_framework.test import APIClient

BODIES = ['[]', '"x"', 'null', '{"text": 123}', '{"text": "\\ud800"}', '{"text": "a", "corrects": null}',
          '{"text": "a", "occurred_at": null}', '{"text": "a", "occurred_at": 12}', '{"text": ["a"]}', '{"text": {"a": 1}}',
          '{"text": "a", "occurred_at": "9999-12-31T23:59:59-14:00"}', '{"text": "a", "occurred_at": "1-01-01"}',
          '{"text": "a", "attachment": "x"}', '{"text": "a", "sender": null}']
CRISIS = ['{"establishment": null, "title": "x"}', '{"establishment": 1.5, "title": "x"}', '{"establishment": %(e)s, "title": "x", "is_exercise": "peut-être"}',
          '{"establishment": %(e)s, "title": "x", "awareness_at": "9999-12-31T23:59:59-14:00"}', '{"establishment": %(e)s, "title": "x", "severity": "4"}',
          '{"establishment": %(e)s, "title": "x", "declared_at": "0001-01-01T00:00:00+01:00"}', '{"establishment": %(e)s, "title": "\\u0000"}']
PHASE = ['{}', '{"phase": null}', '{"phase": ["alerte"]}', '{"phase": "mobilisation", "note": null}', '{"phase": "mobilisation", "note": "\\u0000"}']

@pytest.mark.parametrize("body", BODIES)
def test_journal(director, crisis, body):
    api = APIClient(); api.force_login(director)
    r = api.post(f"/api/crises/{crisis.pk}/journal/", body, content_type="application/json")
    print(body, r.status_code, r.content[:200]); assert r.status_code < 500

@pytest.mark.parametrize("body", CRISIS)
def test_crisis(director, establishment, body):
    api = APIClient(); api.force_login(director)
    r = api.post("/api/crises/", body % {"e": establishment.pk}, content_type="application/json")
    print(body, r.status_code, r.content[:200]); assert r.status_code < 500

@pytest.mark.parametrize("body", PHASE)
def test_phase(director, crisis, body):
    api = APIClient(); api.force_login(director)
    r = api.post(f"/api/crises/{crisis.pk}/phase/", body, content_type="application/json")
    print(body, r.status_code, r.content[:200]); assert r.status_code < 500

@pytest.mark.parametrize("q", ["since=9999-12-31T23:59:59-14:00", "until=0001-01-01T00:00:00", "q=" + "x"*300, "kind=", "author=", "before=0", "limit=-5", "since=2025-03-30T02:30:00"])
def test_filters(director, crisis, q):
    api = APIClient(); api.force_login(director)
    r = api.get(f"/api/crises/{crisis.pk}/journal/?{q}")
    print(q, r.status_code, r.content[:200]); assert r.status_code < 500

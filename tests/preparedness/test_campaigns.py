"""Awareness campaigns: recorded per establishment with their rates, drawn as a server-side SVG chart."""

import re
from datetime import date, timedelta

from django.urls import reverse
from rest_framework.test import APIClient

from crisis import live
from crisis.services.records import record_history
from preparedness import charts, services
from preparedness.models import TOPIC_CAMPAIGNS, Campaign


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def url(establishment) -> str:
    return reverse("preparedness:api-campaigns", args=[establishment.pk])


def test_the_api_records_and_lists_with_the_contract_s_fields(establishment, director, observer):
    before = live.version(establishment, [TOPIC_CAMPAIGNS])
    body = {"date": "2026-03-02", "kind": "hameconnage", "targeted": 400, "clicked": 48, "reported": 100}
    response = api_for(director).post(url(establishment), body, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert {k: created[k] for k in body} == body and created["click_rate"] == 0.12 and created["report_rate"] == 0.25
    assert int(live.version(establishment, [TOPIC_CAMPAIGNS])) > int(before)
    assert record_history(Campaign.objects.get())[0].action == "create"
    listed = api_for(observer).get(url(establishment)).json()["results"]
    assert [row["date"] for row in listed] == ["2026-03-02"]


def test_bad_figures_are_refused_and_nothing_is_saved(establishment, director):
    api = api_for(director)
    for bad, field in (
        ({"date": "2026-03-02", "kind": "hameconnage", "targeted": 10, "clicked": 11}, "clicked"),
        ({"date": "2026-03-02", "kind": "hameconnage", "targeted": 10, "reported": 11}, "reported"),
        ({"date": "2026-03-02", "kind": "peche", "targeted": 10}, "kind"),
        ({"date": "2026-03-02", "kind": "hameconnage", "targeted": 0}, "targeted"),
        ({"date": str(date.today() + timedelta(days=2)), "kind": "hameconnage", "targeted": 10}, "date"),
    ):
        response = api.post(url(establishment), bad, format="json")
        assert response.status_code == 400 and field in response.json(), (bad, response.content)
    assert not Campaign.objects.exists()


def test_the_outsider_and_the_reader_cannot_record(establishment, outsider, observer, pris):
    body = {"date": "2026-03-02", "kind": "hameconnage", "targeted": 10}
    assert api_for(outsider).post(url(establishment), body, format="json").status_code == 404
    assert api_for(outsider).get(url(establishment)).status_code == 404
    assert api_for(observer).post(url(establishment), body, format="json").status_code == 403
    assert api_for(pris).post(url(establishment), body, format="json").status_code == 403
    assert not Campaign.objects.exists()


def test_the_page_records_a_campaign_and_draws_the_chart(client, establishment, director, observer, outsider):
    page_url = reverse("preparedness:campaigns", args=[establishment.pk])
    client.force_login(director)
    bad = client.post(
        page_url, {"date": "2026-03-02", "kind": "hameconnage", "targeted": 10, "clicked": 20, "reported": 0}
    )
    assert bad.status_code == 400 and "Plus de clics que de personnes ciblées." in bad.content.decode()
    for day, clicked in (("2026-01-05", 30), ("2026-06-05", 10)):
        response = client.post(
            page_url, {"date": day, "kind": "hameconnage", "targeted": 100, "clicked": clicked, "reported": 20}
        )
        assert response.status_code == 302
    body = client.get(page_url).content.decode()
    assert (
        '<svg class="campaign-chart"' in body
        and '<title id="chart-title">' in body
        and "<script" not in body.split("<svg")[1].split("</svg>")[0]
    )
    client.force_login(observer)
    page = client.get(page_url)
    assert page.status_code == 200 and page.context["form"] is None
    assert client.post(page_url, {"date": "2026-03-02", "kind": "hameconnage", "targeted": 10}).status_code == 403
    client.force_login(outsider)
    assert client.get(page_url).status_code == 404
    assert Campaign.objects.count() == 2


def test_the_chart_puts_higher_rates_higher(establishment, director):
    low = services.campaign_create(
        establishment=establishment, by=director, date=date(2026, 1, 1), kind="hameconnage", targeted=100, clicked=5
    )
    high = services.campaign_create(
        establishment=establishment, by=director, date=date(2026, 2, 1), kind="hameconnage", targeted=100, clicked=40
    )
    chart = charts.campaign_chart([high, low], click_label="clic", report_label="sig", date_label=str)
    (x1, y1, v1), (x2, y2, v2) = chart.series[0].points
    assert float(x1) < float(x2) and float(y2) < float(y1) and (v1, v2) == ("5 %", "40 %")
    assert re.fullmatch(r"M\d+\.\d,\d+\.\d L\d+\.\d,\d+\.\d", chart.series[0].path)  # dots, in French too
    assert charts.campaign_chart([], click_label="", report_label="", date_label=str) is None

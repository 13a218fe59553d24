"""Costs (totals, XLSX, API), the RETEX (five sections, computed figures, actions as RIDA lines, PDF), the drafts."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from crisis import services as crisis_services
from crisis.models import RidaLine
from obligations import drafts, services
from obligations.models import Cost, Kind, Obligation, Retex


def add_cost(crisis, by, category="assistance", amount="1000.00", covered_by=""):
    return services.cost_create(
        crisis=crisis,
        by=by,
        category=category,
        amount=Decimal(amount),
        date=timezone.localdate(),
        covered_by=covered_by,
    )


def test_costs_are_totalled_by_category_and_cover(client, crisis, director):
    add_cost(crisis, director, "assistance", "12000.00", "assureur")
    add_cost(crisis, director, "heures_sup", "3500.50")
    add_cost(crisis, director, "assistance", "500.00", "ars")
    client.force_login(director)
    data = client.get(reverse("obligations:api-costs", args=[crisis.pk])).json()
    assert data["totals"]["assistance"] == "12500.00" and data["totals"]["materiel"] == "0.00"
    assert data["total"] == "16000.50"
    row = data["results"][0]
    assert {"category", "amount", "date", "supplier", "reference", "covered_by"} <= set(row)


def test_a_cost_is_posted_through_the_api_with_the_contract_s_fields(client, crisis, director):
    client.force_login(director)
    body = {
        "category": "materiel",
        "amount": "2400.00",
        "date": "2026-12-01",
        "supplier": "Dell",
        "reference": "FA-2026-118",
        "covered_by": "assureur",
    }
    response = client.post(reverse("obligations:api-costs", args=[crisis.pk]), body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Cost.objects.get(crisis=crisis).supplier == "Dell"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"category": "cadeaux", "amount": "1", "date": "2026-12-01"}, "category"),
        ({"category": "autre", "amount": "-5", "date": "2026-12-01"}, "amount"),
        ({"category": "autre", "amount": "1", "date": "demain"}, "date"),
        ({"category": "autre", "amount": "1", "date": "2026-12-01", "covered_by": "mutuelle"}, "covered_by"),
    ],
)
def test_a_bad_cost_is_a_400_and_nothing_is_saved(client, crisis, director, body, field):
    client.force_login(director)
    response = client.post(reverse("obligations:api-costs", args=[crisis.pk]), body, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert not Cost.objects.exists()


def test_costs_refuse_an_outsider_and_a_read_only_member(client, crisis, outsider, observer):
    url = reverse("obligations:api-costs", args=[crisis.pk])
    body = {"category": "autre", "amount": "1", "date": "2026-12-01"}
    client.force_login(outsider)
    assert client.post(url, body, content_type="application/json").status_code == 404
    assert client.get(reverse("obligations:costs", args=[crisis.pk])).status_code == 404
    client.force_login(observer)
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.post(reverse("obligations:costs", args=[crisis.pk]), body).status_code == 403


def test_the_cost_page_adds_a_line_and_says_what_is_wrong(client, crisis, director):
    client.force_login(director)
    url = reverse("obligations:costs", args=[crisis.pk])
    response = client.post(url, {"category": "autre", "amount": "abc", "date": "2026-12-01"})
    assert response.status_code == 400 and not Cost.objects.exists()
    response = client.post(url, {"category": "autre", "amount": "42.50", "date": "2026-12-01", "label": "Clés 4G"})
    assert response.status_code == 302 and Cost.objects.get().label == "Clés 4G"
    assert "42,50" in client.get(url).content.decode()


def test_the_cost_spreadsheet_has_the_lines_and_the_totals(client, crisis, director, observer):
    add_cost(crisis, director, "assistance", "12000.00", "assureur")
    client.force_login(observer)
    response = client.get(reverse("obligations:costs-xlsx", args=[crisis.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    lines, totals = workbook.worksheets
    assert lines.cell(row=2, column=7).value == 12000.0
    assert ["Total", 12000.0] in [[c.value for c in row] for row in totals.iter_rows()]


def test_the_retex_is_written_through_put_and_its_figures_are_computed(client, crisis, director):
    add_cost(crisis, director, "assistance", "500.00")
    crisis_services.rida_create(crisis=crisis, by=director, text="Relancer le laboratoire.")
    client.force_login(director)
    url = reverse("obligations:api-retex", args=[crisis.pk])
    sections = {name: f"Texte {name}" for name in Retex.SECTIONS}
    response = client.put(url, sections, content_type="application/json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["lessons"] == "Texte lessons"
    assert data["figures"]["rida_lines"] == 1 and data["figures"]["costs_total"] == "500.00"
    assert data["figures"]["journal_entries"] >= 1 and "duration_hours" in data["figures"]


def test_a_retex_put_missing_a_section_is_a_400(client, crisis, director, observer):
    url = reverse("obligations:api-retex", args=[crisis.pk])
    client.force_login(director)
    response = client.put(url, {"lived": "x"}, content_type="application/json")
    assert response.status_code == 400 and "lessons" in response.json()
    client.force_login(observer)
    sections = {name: "" for name in Retex.SECTIONS}
    assert client.put(url, sections, content_type="application/json").status_code == 403


def test_a_retex_action_becomes_a_rida_line_of_the_action_plan(client, crisis, director):
    client.force_login(director)
    url = reverse("obligations:retex", args=[crisis.pk])
    response = client.post(url, {"what": "action", "action-text": "Imprimer l'annuaire chaque mois."})
    assert response.status_code == 302
    line = RidaLine.objects.get(crisis=crisis, source_label="RETEX")
    assert line.kind == "action" and line.status == "a_faire"
    assert "Imprimer l&#x27;annuaire" in client.get(url).content.decode()
    response = client.post(url, {"what": "action", "action-text": ""})
    assert response.status_code == 400


def test_the_retex_page_saves_the_five_sections(client, crisis, director):
    client.force_login(director)
    url = reverse("obligations:retex", args=[crisis.pk])
    response = client.post(url, {"what": "sections", "lived": "Nuit du 3 au 4.", "lessons": "Imprimer."})
    assert response.status_code == 302
    assert Retex.objects.get(crisis=crisis).lived == "Nuit du 3 au 4."


def test_the_retex_pdf_shows_the_sections_and_actions(crisis, director):
    from printing import registry

    services.retex_update(crisis=crisis, by=director, lessons="Les annuaires papier ont manqué.")
    services.retex_action_create(crisis=crisis, by=director, text="Imprimer l'annuaire chaque mois.")
    rendered = registry.get("retex").render(crisis.establishment, {"crisis_id": crisis.pk}, generated_at=timezone.now())
    assert "Les annuaires papier ont manqué." in rendered.html and "Imprimer l&#x27;annuaire" in rendered.html


def test_the_draft_of_the_portal_report_is_prefilled_from_the_console(client, establishment, director):
    establishment.finess = "750000001"
    establishment.save()
    at = timezone.now() - timedelta(hours=3)
    crisis = crisis_services.crisis_create(
        establishment=establishment, by=director, title="Rançongiciel", detected_at=at, awareness_at=at
    )
    crisis_services.journal_append(crisis=crisis, by=director, text="Urgences en mode dégradé.", priority="urgent")
    services.obligations_ensure(crisis)
    portal = Obligation.objects.get(crisis=crisis, kind=Kind.SIGNALEMENT_PORTAIL)
    client.force_login(director)
    data = client.get(reverse("obligations:api-obligation-draft", args=[crisis.pk, portal.pk])).json()
    text = data["text"]
    assert "750000001" in text and "Claire Directrice" in text and "Urgences en mode dégradé." in text
    assert [s["key"] for s in data["sections"]][:3] == ["establishment", "declarant", "times"]
    cnil = Obligation.objects.get(crisis=crisis, kind=Kind.CNIL)
    cnil.crisis = crisis
    assert "Contact du DPO" in drafts.draft_text(drafts.draft(cnil, director))


def test_the_by_any_means_form_prints_the_draft(crisis, director):
    from printing import registry

    document = registry.get("obligation_form")
    params = document.clean_params(crisis.establishment, {"crisis_id": crisis.pk, "kind": "signalement_portail"})
    rendered = document.render(crisis.establishment, params, generated_at=timezone.now())
    assert "par tout moyen" in rendered.html and "Centre hospitalier A" in rendered.html


def test_the_obligation_pages_open_for_a_reader(client, crisis, observer):
    services.obligations_ensure(crisis)
    client.force_login(observer)
    for name in ("obligations:list", "obligations:costs", "obligations:retex"):
        assert client.get(reverse(name, args=[crisis.pk])).status_code == 200, name
    obligation = Obligation.objects.filter(crisis=crisis).first()
    page = client.get(reverse("obligations:obligation", args=[crisis.pk, obligation.pk]))
    assert page.status_code == 200 and "Brouillon prérempli" in page.content.decode()


def test_the_draft_names_the_applications_down_on_the_situation_board(crisis, director):
    from continuity import services as continuity

    dpi = continuity.application_create(establishment=crisis.establishment, by=director, name="DPI")
    lab = continuity.application_create(establishment=crisis.establishment, by=director, name="SIL laboratoire")
    continuity.application_status_set(crisis=crisis, application=dpi, by=director, status="hors_service")
    continuity.application_status_set(crisis=crisis, application=lab, by=director, status="operationnel")
    services.obligations_ensure(crisis)
    portal = Obligation.objects.get(crisis=crisis, kind=Kind.SIGNALEMENT_PORTAIL)
    portal.crisis = crisis
    text = drafts.draft_text(drafts.draft(portal, director))
    assert "DPI (hors service)" in text and "SIL laboratoire" not in text


def test_the_retex_and_obligation_pages_refuse_an_outsider_and_a_read_only_member(client, crisis, outsider, observer):
    services.obligations_ensure(crisis)
    obligation = Obligation.objects.filter(crisis=crisis).first()
    retex = reverse("obligations:retex", args=[crisis.pk])
    page = reverse("obligations:obligation", args=[crisis.pk, obligation.pk])
    client.force_login(outsider)
    assert client.get(retex).status_code == 404 and client.get(page).status_code == 404
    assert client.post(retex, {"what": "sections", "lessons": "x"}).status_code == 404
    assert client.get(reverse("obligations:costs-xlsx", args=[crisis.pk])).status_code == 404
    client.force_login(observer)
    assert client.post(retex, {"what": "action", "action-text": "x"}).status_code == 403
    assert (
        client.put(reverse("obligations:api-retex", args=[crisis.pk]), {}, content_type="application/json").status_code
        == 403
    )
    assert not RidaLine.objects.filter(crisis=crisis, source_label="RETEX").exists()


def test_wrong_methods_are_refused(client, crisis, director):
    client.force_login(director)
    assert client.delete(reverse("obligations:api-costs", args=[crisis.pk])).status_code == 405
    assert client.post(reverse("obligations:costs-xlsx", args=[crisis.pk])).status_code == 405
    assert client.post(reverse("obligations:list", args=[crisis.pk])).status_code == 405
    assert client.post(reverse("obligations:api-obligations", args=[crisis.pk]), {}).status_code == 405

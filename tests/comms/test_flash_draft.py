"""The Flash info draft on known data: the 3 main incidents of the last 72 hours (tickets' top incidents) in
order with the answer given to each, what is restored and still down (continuity's situation board), and a
zoom on one service's published procedure, the services taking turns from one issue to the next."""

from datetime import timedelta

from django.utils import timezone

from comms import services
from continuity import services as continuity
from continuity.models import Application
from crisis.models import Service
from tickets.models import Ticket
from tickets.services import ticket_create, ticket_update


def report(establishment, crisis, director, category, *, times=1, priority=3, application_name="", answer="", at=None):
    for _ in range(times):
        ticket = ticket_create(
            establishment=establishment,
            by=director,
            crisis=crisis,
            reporter_name="IDE de nuit",
            description="Ne marche plus",
            category=category,
            priority=priority,
            application_name=application_name,
            created_at=at,
        )
        if answer:
            ticket_update(ticket=ticket, by=director, answer=answer)


def test_the_draft_takes_the_three_main_incidents_of_the_last_72_hours_in_order(establishment, crisis, director):
    report(establishment, crisis, director, Ticket.Category.IMPRIMANTE, times=2)  # score 4
    report(
        establishment,
        crisis,
        director,
        Ticket.Category.APPLICATION,
        times=3,
        priority=2,
        application_name="DPI",
        answer="Prescriptions sur papier.",
    )  # score 9
    report(establishment, crisis, director, Ticket.Category.TELEPHONIE, times=2, priority=2)  # score 6
    report(establishment, crisis, director, Ticket.Category.RESEAU, times=1)  # score 2: fourth, left out
    old = timezone.now() - timedelta(hours=80)
    report(establishment, crisis, director, Ticket.Category.POSTE, times=9, priority=1, at=old)  # too old
    draft = services.flash_draft(crisis=crisis)
    titles = [i["title"] for i in draft["incidents"]]
    assert titles == ["application métier — DPI", "téléphonie", "imprimante"]
    assert draft["incidents"][0]["answer"] == "Prescriptions sur papier." and draft["incidents"][0]["count"] == 3


def test_the_draft_says_what_is_restored_and_what_is_still_down(establishment, crisis, director):
    apps = {
        name: continuity.application_create(establishment=establishment, by=director, name=name)
        for name in ("DPI", "Messagerie", "Téléphonie IP", "PACS")
    }
    for name, status, comment in [
        ("DPI", "hors_service", "serveurs chiffrés"),
        ("Messagerie", "degrade", ""),
        ("Téléphonie IP", "operationnel", "rétablie à 14 h"),
    ]:
        continuity.application_status_set(
            crisis=crisis, application=apps[name], by=director, status=status, comment=comment
        )
    draft = services.flash_draft(crisis=crisis)
    assert draft["restored"] == "- Téléphonie IP : rétablie à 14 h"
    down = draft["still_down"].splitlines()
    assert [line.split(" ")[1] for line in down] == ["DPI", "Messagerie"]
    assert "serveurs chiffrés" in down[0] and "(dégradé)" in down[1]
    assert "PACS" not in draft["still_down"] and Application.objects.count() == 4


def test_the_zoom_takes_the_services_procedures_in_turn(establishment, crisis, director):
    for name in ("Laboratoire", "Urgences"):
        continuity.procedure_create_published(
            establishment=establishment,
            by=director,
            service=Service.objects.get(establishment=establishment, name=name),
            title=f"Sans DPI — {name}",
            body="## Déclenchement\nSur décision de l'administrateur de garde.\n\n- Bons papier.",
        )
    zooms = []
    for _ in range(3):
        draft = services.flash_draft(crisis=crisis)
        zooms.append(draft["zoom"].splitlines()[0])
        services.flash_create(crisis=crisis, by=director, zoom=draft["zoom"])
    assert zooms[0] != zooms[1] and zooms[0] == zooms[2]
    assert "Déclenchement" in draft["zoom"] and "##" not in draft["zoom"]


def test_without_tickets_nor_board_the_draft_is_left_to_the_editor(crisis):
    draft = services.flash_draft(crisis=crisis)
    assert (draft["incidents"], draft["restored"], draft["still_down"], draft["zoom"]) == ([], "", "", "")

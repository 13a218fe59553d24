from django.urls import path

from .api import alerts as alerts_api
from .api import tickets as tickets_api
from .views import alerts, tickets

app_name = "tickets"

urlpatterns = [
    # API
    path("api/crises/<id:crisis_id>/tickets/", tickets_api.TicketListView.as_view(), name="api-tickets"),
    path("api/crises/<id:crisis_id>/tickets/top/", tickets_api.TopIncidentsView.as_view(), name="api-tickets-top"),
    path("api/crises/<id:crisis_id>/tickets/<id:ticket_id>/", tickets_api.TicketView.as_view(), name="api-ticket"),
    path(
        "api/crises/<id:crisis_id>/tickets/<id:ticket_id>/merge/",
        tickets_api.TicketMergeView.as_view(),
        name="api-ticket-merge",
    ),
    path(
        "api/crises/<id:crisis_id>/tickets/<id:ticket_id>/escalate/",
        tickets_api.TicketEscalateView.as_view(),
        name="api-ticket-escalate",
    ),
    path("api/alerts/", alerts_api.AlertPushView.as_view(), name="api-alerts-push"),
    path("api/establishments/<id:establishment_id>/alerts/", alerts_api.AlertListView.as_view(), name="api-alerts"),
    path(
        "api/establishments/<id:establishment_id>/alerts/report/",
        alerts_api.AlertReportView.as_view(),
        name="api-alerts-report",
    ),
    path(
        "api/establishments/<id:establishment_id>/alerts/<id:alert_id>/",
        alerts_api.AlertView.as_view(),
        name="api-alert",
    ),
    # pages
    path("etablissements/<id:establishment_id>/signaler/", tickets.intake, name="intake"),
    path("etablissements/<id:establishment_id>/signaler/<id:ticket_id>/", tickets.intake_done, name="intake-done"),
    path("etablissements/<id:establishment_id>/tickets/", tickets.board, name="board"),
    path("etablissements/<id:establishment_id>/tickets/fiches-papier/", tickets.paper_slips, name="paper-slips"),
    path("etablissements/<id:establishment_id>/tickets/<id:ticket_id>/", tickets.ticket_detail, name="ticket"),
    path(
        "etablissements/<id:establishment_id>/tickets/<id:ticket_id>/deplacer/",
        tickets.ticket_quick,
        name="ticket-quick",
    ),
    path(
        "etablissements/<id:establishment_id>/tickets/<id:ticket_id>/fusionner/",
        tickets.ticket_merge,
        name="ticket-merge",
    ),
    path(
        "etablissements/<id:establishment_id>/tickets/<id:ticket_id>/escalader/",
        tickets.ticket_escalate,
        name="ticket-escalate",
    ),
    path("crises/<id:crisis_id>/tickets/", tickets.crisis_board, name="crisis-board"),
    path("etablissements/<id:establishment_id>/alertes/", alerts.alerts, name="alerts"),
    path("etablissements/<id:establishment_id>/alertes/rapport/", alerts.alert_report, name="alert-report"),
    path("etablissements/<id:establishment_id>/alertes/<id:alert_id>/", alerts.alert_detail, name="alert"),
    path(
        "etablissements/<id:establishment_id>/alertes/<id:alert_id>/action/", alerts.alert_action, name="alert-action"
    ),
    path("alertes/bandeau/", alerts.banner, name="banner"),
]

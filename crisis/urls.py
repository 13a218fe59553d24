from django.urls import include, path

from . import views

app_name = "crisis"

# The app's API under /api/ and its pages, in one namespace (crisis:api-...).
urlpatterns = [
    path("api/", include("crisis.api_urls")),
    path("", views.home, name="home"),
    path("jeton-api/revoquer/", views.api_token_revoke, name="api-token-revoke"),
    path("etablissements/<id:establishment_id>/", views.establishment_home, name="establishment"),
    path("crises/<id:crisis_id>/", views.crisis_dashboard, name="dashboard"),
    path("crises/<id:crisis_id>/phase/", views.crisis_phase, name="phase"),
    path("crises/<id:crisis_id>/fiche/", views.crisis_edit, name="edit"),
    path("crises/<id:crisis_id>/cloture/", views.crisis_close, name="close"),
    path("crises/<id:crisis_id>/main-courante/", views.journal, name="journal"),
    path("crises/<id:crisis_id>/main-courante/<id:seq>/", views.journal_entry, name="journal-entry"),
    path(
        "crises/<id:crisis_id>/main-courante/<id:seq>/piece-jointe", views.journal_attachment, name="journal-attachment"
    ),
    path("crises/<id:crisis_id>/cellule/", views.roster, name="roster"),
    path("crises/<id:crisis_id>/cellule/prise-de-poste/", views.shift_start, name="shift-start"),
    path("crises/<id:crisis_id>/cellule/<id:shift_id>/releve/", views.shift_hand_over, name="shift-hand-over"),
    path("crises/<id:crisis_id>/cellule/<id:shift_id>/fin/", views.shift_end, name="shift-end"),
]

# RIDA, points de situation, decisions.
urlpatterns += [
    path("crises/<id:crisis_id>/rida/", views.rida, name="rida"),
    path("crises/<id:crisis_id>/rida/<id:line_id>/", views.rida_line, name="rida-line"),
    path("crises/<id:crisis_id>/rida/<id:line_id>/rapide/", views.rida_line_quick, name="rida-line-quick"),
    path("crises/<id:crisis_id>/points/", views.meetings, name="meetings"),
    path("crises/<id:crisis_id>/points/<id:meeting_id>/", views.meeting, name="meeting"),
    path("crises/<id:crisis_id>/points/<id:meeting_id>/ouvrir/", views.meeting_start, name="meeting-start"),
    path("crises/<id:crisis_id>/points/<id:meeting_id>/clore/", views.meeting_end, name="meeting-end"),
    path("crises/<id:crisis_id>/decisions/", views.decisions, name="decisions"),
]

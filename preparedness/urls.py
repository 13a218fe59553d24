from django.urls import path

from . import api, views

app_name = "preparedness"

urlpatterns = [
    path("etablissements/<id:establishment_id>/preparation/", views.readiness_page, name="readiness"),
    path("etablissements/<id:establishment_id>/exercices/", views.exercises, name="exercises"),
    path("etablissements/<id:establishment_id>/campagnes/", views.campaigns, name="campaigns"),
    path("ght/<id:ght_id>/preparation/", views.ght_page, name="ght"),
    # An exercise crisis's player: its id is named exercise_id (a real crisis has none: 404).
    path("crises/<id:exercise_id>/exercice/", views.player, name="player"),
    path("crises/<id:exercise_id>/exercice/import/", views.player_import, name="player-import"),
    path("crises/<id:exercise_id>/exercice/horloge/", views.player_clock, name="player-clock"),
    path("crises/<id:exercise_id>/exercice/livrer/", views.player_deliver, name="player-deliver"),
    path("crises/<id:exercise_id>/exercice/observer/", views.player_observe, name="player-observe"),
    # API (a contract: paths and field names as the table).
    path("api/establishments/<id:establishment_id>/readiness/", api.ReadinessView.as_view(), name="api-readiness"),
    path("api/establishments/<id:establishment_id>/campaigns/", api.CampaignListView.as_view(), name="api-campaigns"),
    path("api/ghts/", api.GhtListView.as_view(), name="api-ghts"),
    path("api/ghts/<id:ght_id>/readiness/", api.GhtReadinessView.as_view(), name="api-ght-readiness"),
    path("api/crises/<id:crisis_id>/injects/", api.InjectListView.as_view(), name="api-injects"),
    path(
        "api/crises/<id:crisis_id>/injects/<id:inject_id>/deliver/",
        api.InjectDeliverView.as_view(),
        name="api-inject-deliver",
    ),
]

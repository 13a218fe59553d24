from django.urls import path

from . import api, views

app_name = "obligations"

urlpatterns = [
    path("api/crises/<id:crisis_id>/obligations/", api.ObligationListView.as_view(), name="api-obligations"),
    path(
        "api/crises/<id:crisis_id>/obligations/<id:obligation_id>/",
        api.ObligationDetailView.as_view(),
        name="api-obligation",
    ),
    path(
        "api/crises/<id:crisis_id>/obligations/<id:obligation_id>/draft/",
        api.ObligationDraftView.as_view(),
        name="api-obligation-draft",
    ),
    path("api/crises/<id:crisis_id>/costs/", api.CostListView.as_view(), name="api-costs"),
    path("api/crises/<id:crisis_id>/retex/", api.RetexView.as_view(), name="api-retex"),
    path("crises/<id:crisis_id>/obligations/", views.obligation_list, name="list"),
    path("crises/<id:crisis_id>/obligations/<id:obligation_id>/", views.obligation_detail, name="obligation"),
    path("crises/<id:crisis_id>/couts/", views.cost_list, name="costs"),
    path("crises/<id:crisis_id>/couts/export.xlsx", views.cost_export, name="costs-xlsx"),
    path("crises/<id:crisis_id>/retex/", views.retex, name="retex"),
]

from django.urls import path, register_converter

from . import api, views


class FormatConverter:
    regex = "json|yaml"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "exportformat")

app_name = "continuity"

E = "etablissements/<id:establishment_id>/"
A = "api/establishments/<id:establishment_id>/"

urlpatterns = [
    # pages of the establishment
    path(E + "procedures/", views.procedures, name="procedures"),
    path(E + "procedures/import/", views.procedures_import, name="procedures-import"),
    path(E + "procedures/export.<exportformat:fmt>", views.procedures_export, name="procedures-export"),
    path(E + "procedures/<id:procedure_id>/", views.procedure, name="procedure"),
    path(E + "procedures/<id:procedure_id>/publier/", views.procedure_publish, name="procedure-publish"),
    path(E + "procedures/<id:procedure_id>/versions/<id:number>/", views.procedure_version, name="procedure-version"),
    path(E + "applications/", views.applications, name="applications"),
    path(E + "applications/graphe/", views.dependency_graph, name="graph"),
    path(E + "applications/<id:application_id>/", views.application, name="application"),
    path(E + "plan-de-redemarrage/", views.restart_plan, name="restart-plan"),
    path(E + "ressaisie/", views.reentry, name="reentry"),
    # pages of a crisis
    path("crises/<id:crisis_id>/situation-applications/", views.situation, name="situation"),
    path("crises/<id:crisis_id>/contournements/", views.workarounds, name="workarounds"),
    # API (the table)
    path(A + "procedures/", api.ProcedureListView.as_view(), name="api-procedures"),
    path(A + "procedures/gaps/", api.ProcedureGapsView.as_view(), name="api-procedure-gaps"),
    path(A + "procedures/export/", api.ProcedureExportView.as_view(), name="api-procedure-export"),
    path(A + "procedures/import/", api.ProcedureImportView.as_view(), name="api-procedure-import"),
    path(A + "procedures/<id:procedure_id>/", api.ProcedureDetailView.as_view(), name="api-procedure"),
    path(A + "procedures/<id:procedure_id>/publish/", api.ProcedurePublishView.as_view(), name="api-procedure-publish"),
    path(
        A + "procedures/<id:procedure_id>/versions/", api.ProcedureVersionsView.as_view(), name="api-procedure-versions"
    ),
    path(A + "applications/", api.ApplicationListView.as_view(), name="api-applications"),
    path(A + "applications/<id:application_id>/", api.ApplicationDetailView.as_view(), name="api-application"),
    path(A + "restart-plan/", api.RestartPlanView.as_view(), name="api-restart-plan"),
    path(A + "reentry/", api.ReentryView.as_view(), name="api-reentry"),
    path(
        "api/crises/<id:crisis_id>/applications/<id:application_id>/status/",
        api.ApplicationStatusView.as_view(),
        name="api-application-status",
    ),
    path("api/crises/<id:crisis_id>/situation/", api.SituationView.as_view(), name="api-situation"),
    path("api/crises/<id:crisis_id>/workarounds/", api.WorkaroundListView.as_view(), name="api-workarounds"),
]

"""URLs of the printing API, included under /api/."""

from django.urls import path

from . import api

urlpatterns = [
    path("documents/", api.DocumentListView.as_view(), name="api-document-list"),
    path(
        "establishments/<id:establishment_id>/prints/",
        api.EstablishmentPrintView.as_view(),
        name="api-establishment-prints",
    ),
    path("crises/<id:crisis_id>/prints/", api.CrisisPrintView.as_view(), name="api-crisis-prints"),
    path("print-jobs/<id:job_id>/", api.PrintJobView.as_view(), name="api-print-job"),
    path("print-jobs/<id:job_id>/file/", api.PrintJobFileView.as_view(), name="api-print-job-file"),
]

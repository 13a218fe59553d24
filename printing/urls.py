from django.urls import include, path

from . import views

app_name = "printing"

# The app's API under /api/ and its pages, in one namespace (printing:api-...).
urlpatterns = [
    path("api/", include("printing.api_urls")),
    path("impressions/", views.print_jobs, name="print-jobs"),
    path("impressions/<id:job_id>/", views.print_job, name="print-job"),
    path("impressions/<id:job_id>/fichier", views.print_job_download, name="print-job-download"),
    path("crises/<id:crisis_id>/impressions/", views.crisis_prints, name="crisis-prints"),
    path(
        "crises/<id:crisis_id>/impressions/<slug:document>/",
        views.crisis_document_print,
        name="crisis-document-print",
    ),
    path("etablissements/<id:establishment_id>/kit-papier/", views.paper_kit, name="paper-kit"),
    path(
        "etablissements/<id:establishment_id>/impressions/<slug:document>/",
        views.establishment_document_print,
        name="establishment-document-print",
    ),
]

from django.urls import path

from . import views

urlpatterns = [
    path("impressions/", views.print_jobs, name="print-jobs"),
    path("impressions/<id:job_id>/", views.print_job, name="print-job"),
    path("impressions/<id:job_id>/fichier", views.print_job_download, name="print-job-download"),
    path("crises/<id:crisis_id>/impressions/", views.crisis_prints, name="crisis-prints"),
    path("crises/<id:crisis_id>/impressions/main-courante/", views.crisis_print_journal, name="crisis-print-journal"),
    path("etablissements/<id:establishment_id>/kit-papier/", views.paper_kit, name="paper-kit"),
    path("etablissements/<id:establishment_id>/kit-papier/imprimer/", views.paper_kit_build, name="paper-kit-build"),
    path(
        "etablissements/<id:establishment_id>/kit-papier/hors-ligne/", views.paper_kit_bundle, name="paper-kit-bundle"
    ),
    path(
        "etablissements/<id:establishment_id>/kit-papier/document/", views.paper_kit_document, name="paper-kit-document"
    ),
]

from django.urls import path

from . import api, views

app_name = "example_app"

urlpatterns = [
    path("api/establishments/<id:establishment_id>/consignes/", api.ConsigneListView.as_view(), name="api-consignes"),
    path("etablissements/<id:establishment_id>/consignes/", views.consignes, name="consignes"),
    path("etablissements/<id:establishment_id>/consignes/etat/", views.consigne_status, name="consigne-status"),
    path("etablissements/<id:establishment_id>/consignes/<id:consigne_id>/", views.consigne_detail, name="consigne"),
]

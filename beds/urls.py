from django.urls import path

from . import api, views

app_name = "beds"

E = "etablissements/<id:establishment_id>/lits"
A = "api/establishments/<id:establishment_id>"

urlpatterns = [
    path(f"{A}/units/", api.UnitListView.as_view(), name="api-units"),
    path(f"{A}/beds/", api.BedListView.as_view(), name="api-beds"),
    path(f"{A}/movements/", api.MovementListView.as_view(), name="api-movements"),
    path(f"{A}/census/", api.CensusView.as_view(), name="api-census"),
    path(f"{A}/census/import/", api.CensusImportView.as_view(), name="api-census-import"),
    path(f"{E}/", views.bed_map, name="map"),
    path(f"{E}/<id:bed_id>/", views.bed_detail, name="bed"),
    path(f"{E}/fiches/", views.slips, name="slips"),
    path(f"{E}/fiches/reception/", views.slips_receive, name="slips-receive"),
    path(f"{E}/recensement/", views.census, name="census"),
    path(f"{E}/recensement/import/", views.census_import, name="import"),
    path(f"{E}/export.csv", views.export_csv, name="export"),
    path(f"{E}/unites/", views.units, name="units"),
    path(f"{E}/unites/<id:unit_id>/", views.unit_history, name="unit"),
    path(f"{E}/acces/", views.access_log, name="access-log"),
]

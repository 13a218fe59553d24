from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("crises/<int:crisis_id>/", views.crisis_dashboard, name="crisis-dashboard"),
    path("crises/<int:crisis_id>/phase/", views.crisis_phase, name="crisis-phase"),
    path("crises/<int:crisis_id>/fiche/", views.crisis_edit, name="crisis-edit"),
    path("crises/<int:crisis_id>/cloture/", views.crisis_close, name="crisis-close"),
    path("crises/<int:crisis_id>/main-courante/", views.journal, name="journal"),
    path("crises/<int:crisis_id>/main-courante/<int:seq>/", views.journal_entry, name="journal-entry"),
    path("crises/<int:crisis_id>/main-courante/<int:seq>/piece-jointe", views.journal_attachment, name="journal-attachment"),
    path("crises/<int:crisis_id>/cellule/", views.roster, name="roster"),
    path("crises/<int:crisis_id>/cellule/prise-de-poste/", views.shift_start, name="shift-start"),
    path("crises/<int:crisis_id>/cellule/<int:shift_id>/releve/", views.shift_hand_over, name="shift-hand-over"),
    path("crises/<int:crisis_id>/cellule/<int:shift_id>/fin/", views.shift_end, name="shift-end"),
]

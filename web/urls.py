from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "web"

urlpatterns = [
    path("connexion/", views.LoginView.as_view(), name="login"),
    path("deconnexion/", auth_views.LogoutView.as_view(), name="logout"),
    path("accessibilite/", views.accessibility_statement, name="accessibility"),
    path("favicon.ico", views.favicon, name="favicon"),
]

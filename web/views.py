"""Pages of no app in particular: signing in and out."""

from django.contrib.auth import views as auth_views

from .forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

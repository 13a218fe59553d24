"""Pages of no app in particular: signing in and out."""

from django.contrib.auth import views as auth_views

from . import ratelimit
from .forms import ThrottledLoginForm


class LoginView(auth_views.LoginView):
    form_class = ThrottledLoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # This browser knows the password: its attempts are counted apart from now on (web.ratelimit).
        ratelimit.remember_device(self.request, response, form.get_user().get_username())
        return response

from django.contrib import admin
from django.utils.translation import gettext_lazy

from .forms import ThrottledAdminLoginForm

# The admin's login is throttled like the console's (web.ratelimit).
admin.site.login_form = ThrottledAdminLoginForm
# Django's own titles ("Administration de Django") tell a cell member nothing about where they are.
admin.site.site_header = gettext_lazy("Console de crise — administration")
admin.site.site_title = gettext_lazy("Console de crise")
admin.site.index_title = gettext_lazy("Données de la console")

from django.contrib import admin

from .forms import ThrottledAdminLoginForm

# The admin's login is throttled like the console's (web.ratelimit).
admin.site.login_form = ThrottledAdminLoginForm

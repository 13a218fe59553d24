"""How the API description names the SOC/EDR sources' token (drf-spectacular extension).

Imported by the app's ready(). ``SourceTokenRefusal`` only refuses a source token outside
POST /api/alerts/: it is no way in, and the description leaves it out (settings'
AUTHENTICATION_WHITELIST).
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class AlertSourceTokenScheme(OpenApiAuthenticationExtension):
    target_class = "tickets.authentication.AlertSourceAuthentication"
    name = "alertSourceToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Jeton d'une source SOC/EDR : « Token soc_… » (manage.py create_alert_source).",
        }

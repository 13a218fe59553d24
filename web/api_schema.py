"""OpenAPI postprocessing (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"]): the apps' resources in the
description, and the error answers of every operation.

The description (SPECTACULAR_SETTINGS["DESCRIPTION"]) names the core's resources; an app names
its own in its AppConfig, ``api_resources = {"beds": _("lits (carte, mouvements)")}`` (the URL
segment, then the words naming it), and they are added to the description: the settings do not
list the apps.

Each operation gets the errors it can actually give, judged from what the schema
already says about it, so no view has to list them by hand:
- 400 (field errors) when it takes a body or query parameters;
- 401 and 403 when it needs authentication (403: a capability the member lacks);
- 404 when its path names an object (an outsider's object is a 404 too);
- 413 when it takes a body (web.security.RequestSizeLimitMiddleware);
- 429 when it is anonymous: the login endpoints, throttled per account and address.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Une liste de messages par champ refusé ; non_field_errors pour l'ensemble. Un champ liste "
        'donne ses éléments refusés par leur rang : {"guests": {"3": ["..."]}}.'
    ),
    "additionalProperties": {
        "oneOf": [MESSAGES, {"type": "object", "additionalProperties": MESSAGES}],
    },
}
RESPONSES = {
    "400": ("BadRequest", _("Entrée invalide : les messages par champ."), "FieldErrors"),
    "401": ("Unauthorized", _("Non authentifié, ou jeton expiré ou révoqué."), "Error"),
    "403": ("Forbidden", _("Le rôle du membre n'a pas cette capacité."), "Error"),
    "404": ("NotFound", _("Introuvable, ou d'un établissement dont l'utilisateur n'est pas membre."), "Error"),
    "413": ("PayloadTooLarge", _("Corps de requête au-delà de la taille permise."), "Error"),
    "429": ("TooManyRequests", _("Trop d'échecs de connexion depuis cette adresse pour cet identifiant."), "Error"),
}


def add_error_responses(result, generator, request, public):
    components = result.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.setdefault("Error", ERROR)
    schemas.setdefault("FieldErrors", FIELD_ERRORS)
    shared = components.setdefault("responses", {})
    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for code in _error_codes(path, operation):
                name, description, schema = RESPONSES[code]
                shared[name] = _response(description, schema, code)
                operation["responses"].setdefault(code, {"$ref": f"#/components/responses/{name}"})
                answer = operation["responses"][code]
                if "$ref" not in answer and "content" not in answer:  # a view's own description, without a body
                    answer["content"] = _content(schema)
            operation["responses"] = dict(sorted(operation["responses"].items()))
    return result


def _error_codes(path: str, operation: dict) -> list[str]:
    has_body = "requestBody" in operation
    has_query = any(parameter.get("in") == "query" for parameter in operation.get("parameters", []))
    security = operation.get("security", [])
    anonymous = not security or {} in security
    codes = []
    if has_body or has_query:
        codes.append("400")
    if not anonymous:
        codes += ["401", "403"]
    if "{" in path:
        codes.append("404")
    if has_body:
        codes.append("413")
    if anonymous:
        codes.append("429")
    return codes


def _content(schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}}


def _response(description, schema: str, code: str) -> dict:
    response = {"description": str(description), "content": _content(schema)}
    if code == "429":
        response["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "secondes"}}
    return response


def app_resources() -> dict[str, str]:
    """{URL segment: the words naming it} of every installed app that declares API resources."""
    return {
        segment: str(words)
        for config in apps.get_app_configs()
        for segment, words in getattr(config, "api_resources", {}).items()
    }


def describe_app_resources(result, generator, request, public):
    """The apps' own resources, after the core's, in the API's description."""
    words = list(dict.fromkeys(app_resources().values()))
    if words:
        info = result.setdefault("info", {})
        info["description"] = f"{info.get('description', '')} " + str(_("Applications : %(words)s.")) % {
            "words": " ; ".join(words)
        }
    return result

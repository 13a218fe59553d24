"""Procedures shared as JSON or YAML, so a GHT writes a procedure once and every establishment imports it.

The exported form names things as text (the service, the applications), never by id; an import creates
drafts (nothing is in force before a member of the importing establishment publishes it).
"""

import json

import yaml
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crisis.models import Establishment
from crisis.services import service_named

from . import services
from .models import Application, Procedure

FORMAT = "console-crise/procedures"
FORMAT_VERSION = 1
MAX_PROCEDURES = 500


def export_data(procedures) -> dict:
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "procedures": [
            {
                "service": p.service.name,
                "kind": p.kind,
                "title": p.title,
                "owner": p.owner,
                "trigger_applications": sorted(a.name for a in p.trigger_applications.all()),
                "body": p.body,
            }
            for p in procedures
        ],
    }


def dumps(data: dict, fmt: str) -> str:
    if fmt == "yaml":
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return json.dumps(data, ensure_ascii=False, indent=2)


def loads(text: str, fmt: str) -> dict:
    """Parse a shared file (safe YAML loader: no Python objects); a ValidationError when it is not one."""
    try:
        data = yaml.safe_load(text) if fmt == "yaml" else json.loads(text)
    except (yaml.YAMLError, json.JSONDecodeError, RecursionError) as exc:
        raise ValidationError({"file": _("Fichier illisible : %(error)s") % {"error": str(exc)[:200]}}) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("procedures"), list):
        raise ValidationError({"file": _("Ce fichier n'est pas un export de procédures de la console.")})
    return data


def _text(entry: dict, key: str, limit: int, *, required: bool = True) -> str:
    value = entry.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise ValidationError({"file": _("Champ « %(key)s » manquant ou invalide.") % {"key": key}})
    return value


def import_data(*, establishment: Establishment, by, data: dict) -> list[Procedure]:
    """Create each procedure of the file as a draft, all or nothing. Unknown services are added to the
    establishment's list; applications unknown here are left out of the triggers."""
    entries = data["procedures"]
    if not entries or len(entries) > MAX_PROCEDURES:
        raise ValidationError({"file": _("Le fichier ne contient aucune procédure, ou trop.")})
    applications = {a.name.lower(): a for a in Application.objects.filter(establishment=establishment)}
    created = []
    with transaction.atomic():
        for entry in entries:
            if not isinstance(entry, dict):
                raise ValidationError({"file": _("Procédure illisible dans le fichier.")})
            kind = entry.get("kind", Procedure.Kind.PROCEDURE)
            if kind not in Procedure.Kind.values:
                raise ValidationError({"file": _("Nature de procédure inconnue : %(kind)s.") % {"kind": kind}})
            triggers = entry.get("trigger_applications") or []
            if not isinstance(triggers, list) or not all(isinstance(t, str) for t in triggers):
                raise ValidationError(
                    {"file": _("Champ « %(key)s » manquant ou invalide.") % {"key": "trigger_applications"}}
                )
            created.append(
                services.procedure_create(
                    establishment=establishment,
                    by=by,
                    service=service_named(establishment=establishment, name=_text(entry, "service", 120)),
                    kind=kind,
                    title=_text(entry, "title", 200),
                    owner=_text(entry, "owner", 200, required=False),
                    body=_text(entry, "body", 50_000),
                    trigger_applications=[applications[t.lower()] for t in triggers if t.lower() in applications],
                )
            )
    return created

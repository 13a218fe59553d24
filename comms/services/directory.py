"""Writes of the crisis directory: one entry (through the record kit), or a whole CSV file (dry run first)."""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from crisis.models import Establishment, Service
from crisis.services.records import record_create, record_update

from ..models import DirectoryEntry, sort_key

PHONE = re.compile(r"^[0-9 +().\-/p]*$")
NUMBER_FIELDS = ("extension", "dect", "direct_line", "mobile")
EDITABLE = (
    "last_name",
    "first_name",
    "function",
    "service",
    *NUMBER_FIELDS,
    "email",
    "crisis_role",
    "deputy",
    "on_call",
    "on_call_rota",
    "is_external",
    "category",
    "organisation",
    "call_for",
    "checked_at",
)


def _validate(entry: DirectoryEntry) -> None:
    errors = {}
    if entry.service_id is not None and entry.service.establishment_id != entry.establishment_id:
        errors["service"] = [_("Ce service n'est pas de cet établissement.")]
    if entry.deputy_id is not None and (
        entry.deputy.establishment_id != entry.establishment_id or entry.deputy_id == entry.pk
    ):
        errors["deputy"] = [_("Le suppléant doit être une autre personne de l'annuaire de l'établissement.")]
    for name in NUMBER_FIELDS:
        if not PHONE.match(getattr(entry, name)):
            errors[name] = [_("Un numéro ne contient que des chiffres, des espaces et + ( ) . -")]
    if entry.category and not entry.is_external:
        entry.is_external = True  # a category is an outside contact's
    if errors:
        raise ValidationError(errors)
    entry.full_clean(exclude=["establishment", "service", "deputy", "user"])


def entry_create(*, establishment: Establishment, by, **fields) -> DirectoryEntry:
    entry = DirectoryEntry(establishment=establishment, **fields)
    entry.derive()
    return record_create(instance=entry, by=by, validate=_validate, fields=[f for f in EDITABLE if f in fields])


def entry_update(*, entry: DirectoryEntry, by, **changes) -> list:
    """Change an entry; what really changed is kept in its history (and its folded columns follow)."""

    def derive(locked: DirectoryEntry, changed: dict) -> dict:
        locked.derive()
        return {}

    return record_update(instance=entry, by=by, changes=changes, derive=derive, validate=_validate)


# --- CSV ----------------------------------------------------------------------

# French headings, as written in the export; the API's names are accepted as well.
COLUMNS = {
    "nom": "last_name",
    "prenom": "first_name",
    "fonction": "function",
    "service": "service",
    "poste": "extension",
    "dect": "dect",
    "ligne_directe": "direct_line",
    "mobile": "mobile",
    "courriel": "email",
    "role_crise": "crisis_role",
    "astreinte": "on_call",
    "tour_astreinte": "on_call_rota",
    "externe": "is_external",
    "categorie": "category",
    "organisme": "organisation",
    "a_appeler_pour": "call_for",
    "verifie_le": "checked_at",
}
TRUE = {"oui", "o", "x", "1", "vrai", "true", "yes"}
FALSE = {"", "non", "n", "0", "faux", "false", "no"}


@dataclass
class ImportReport:
    errors: list[dict] = field(default_factory=list)
    would_create: int = 0
    would_update: int = 0
    created: int = 0
    updated: int = 0
    dry_run: bool = True


def _heading(name: str) -> str | None:
    key = sort_key(name).replace(" ", "_")
    if key in COLUMNS:
        return COLUMNS[key]
    return key if key in COLUMNS.values() else None


def _rows(text: str) -> tuple[list[str | None], list[tuple[int, list[str]]]]:
    sample = text[:4096]
    delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    return [_heading(h) for h in header], [(reader.line_num, row) for row in reader if any(c.strip() for c in row)]


def _parse_date(value: str) -> date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(value)


def _parse(values: dict, services: dict, categories: dict) -> tuple[dict, list[str]]:
    """One line's fields, or the problems found in it."""
    problems, fields = [], {}
    for name, raw in values.items():
        value = " ".join((raw or "").split())
        if name == "service":
            if value and sort_key(value) not in services:
                problems.append(_("service inconnu : « %(v)s »") % {"v": value})
            fields["service"] = services.get(sort_key(value)) if value else None
        elif name in ("on_call", "is_external"):
            if value.lower() not in TRUE | FALSE:
                problems.append(_("« %(v)s » : oui ou non attendu (colonne %(c)s)") % {"v": value, "c": name})
            fields[name] = value.lower() in TRUE
        elif name == "category":
            if value and sort_key(value) not in categories:
                problems.append(_("catégorie inconnue : « %(v)s »") % {"v": value})
            fields["category"] = categories.get(sort_key(value), "")
        elif name == "checked_at":
            try:
                fields["checked_at"] = _parse_date(value) if value else None
            except ValueError:
                problems.append(_("date illisible : « %(v)s » (AAAA-MM-JJ ou JJ/MM/AAAA)") % {"v": value})
        elif name in NUMBER_FIELDS and not PHONE.match(value):
            problems.append(_("numéro illisible : « %(v)s »") % {"v": value})
        else:
            max_length = DirectoryEntry._meta.get_field(name).max_length
            if len(value) > max_length:
                problems.append(_("%(c)s : %(n)s caractères au plus") % {"c": name, "n": max_length})
            fields[name] = value
    if not fields.get("last_name"):
        problems.append(_("le nom manque"))
    if fields.get("category"):
        fields["is_external"] = True
    return fields, problems


def _key(fields: dict) -> tuple:
    return (
        sort_key(fields.get("last_name", "")),
        sort_key(fields.get("first_name", "")),
        sort_key(fields.get("organisation", "")),
    )


def _differences(entry: DirectoryEntry, fields: dict) -> dict:
    """The fields of a line that differ from the entry: an unchanged person costs no lock nor history."""
    changes = {}
    for name, value in fields.items():
        current = getattr(entry, DirectoryEntry._meta.get_field(name).attname)
        if (value.pk if hasattr(value, "pk") else value) != current:
            changes[name] = value
    return changes


def directory_import(*, establishment: Establishment, by, text: str, dry_run: bool = True) -> ImportReport:
    """Read a CSV directory: each problem reported with its line; nothing written on a dry run, nor
    when any line is wrong (all or nothing). A person already there (same name, first name and
    organisation) is updated, anyone else created."""
    report = ImportReport(dry_run=dry_run)
    columns, rows = _rows(text.lstrip("\ufeff"))
    if "last_name" not in columns:
        report.errors.append({"line": 1, "message": _("La ligne d'en-tête doit nommer au moins la colonne « nom ».")})
        return report
    # Columns with other headings are ignored: a spreadsheet may carry notes.
    services = {sort_key(s.name): s for s in Service.objects.filter(establishment=establishment)}
    categories = {sort_key(v): v for v, _label in DirectoryEntry.Category.choices}
    categories |= {sort_key(str(label)): v for v, label in DirectoryEntry.Category.choices}
    existing = {
        _key({"last_name": e.last_name, "first_name": e.first_name, "organisation": e.organisation}): e
        for e in DirectoryEntry.objects.filter(establishment=establishment).select_related("service")
    }
    planned, seen = [], {}
    for line, row in rows:
        values = {c: row[i] if i < len(row) else "" for i, c in enumerate(columns) if c is not None}
        fields, problems = _parse(values, services, categories)
        key = _key(fields)
        if key in seen and fields.get("last_name"):
            problems.append(_("même personne qu'à la ligne %(n)s") % {"n": seen[key]})
        seen.setdefault(key, line)
        for problem in problems:
            report.errors.append({"line": line, "message": problem})
        planned.append((existing.get(key), fields))
    report.would_update = sum(1 for entry, _f in planned if entry is not None)
    report.would_create = len(planned) - report.would_update
    if dry_run or report.errors:
        return report
    with transaction.atomic():
        for entry, fields in planned:
            if entry is None:
                entry_create(establishment=establishment, by=by, **fields)
                report.created += 1
            elif (changes := _differences(entry, fields)) and entry_update(entry=entry, by=by, **changes):
                report.updated += 1
    return report


def directory_csv(entries) -> str:
    """The directory as a CSV file (";", UTF-8 with BOM: a spreadsheet opens it as is), readable by the import."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS.keys())
    for e in entries:
        row = []
        for name in COLUMNS.values():
            value = getattr(e, name)
            if name == "service":
                value = e.service.name if e.service_id else ""
            elif isinstance(value, bool):
                value = "oui" if value else "non"
            elif isinstance(value, date):
                value = value.isoformat()
            row.append(value or "")
        writer.writerow(row)
    return out.getvalue()

"""The evidence file of a crisis: a zip of everything the console holds about it, with a signed manifest.

Layout of the zip:

- ``manifest.json``: the SHA-256 of every other file, the crisis, when, the key id;
  ``manifest.sig``: HMAC-SHA256 of manifest.json with the journal key (settings.JOURNAL_KEY).
- ``journal/main-courante.pdf``, ``journal/journal.json`` (every entry with its chain, and
  the result of the chain's verification at export time).
- ``rida/rida.pdf``, ``rida/rida.xlsx``, ``obligations/couts.xlsx``, ``obligations/retex.pdf``,
  ``points/releve-NN.pdf`` (every point de situation held), ``historique/modifications.json``
  (the record kit's history of every record in the file: a reader's view, not imported).
- ``data/<app>.<model>.json``: every record of the crisis in Django's fixture format, from
  every installed app (a model with a ``crisis`` foreign key), and the records they point at
  (establishment, services, people, applications...) and the records that belong to them (a call
  list's calls); the establishment's SOC/EDR alerts over the crisis's time. ``import_crisis``
  loads them back.
  Patient data (the beds app's movements) only for a requester allowed to see them.
- ``attachments/...``: the files the records carry (journal photos, complaint receipts).

``verify_export`` needs nothing but the zip (and the key for the signature and the chain's
HMACs): every file against the manifest (changed, added and removed files by name), the
manifest's signature, the journal's chain from journal.json.

Two ways to build it: ``export_crisis`` renders in its own process (evidence_zip with
render_pdfs); the "Dossier de preuves" collection of the print pipeline renders the PDFs as
parts in the workers and assembles the same zip (obligations.documents.EvidenceFile).
"""

import hashlib
import hmac
import io
import json
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.template.loader import render_to_string
from django.utils import timezone

from crisis.exports import rida_xlsx
from crisis.models import Crisis, Establishment, JournalEntry, Membership
from crisis.services.journal import journal_keys, journal_verify_chain, key_id_of

from .exports import costs_xlsx

FORMAT = "console-crise/dossier-de-preuves/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
# Models that hold no fact of the crisis: counters, print jobs and cached parts, API tokens.
SKIPPED_APPS = {"printing", "sessions", "admin", "contenttypes", "authtoken"}
SKIPPED_MODELS = {"crisis.livetopic", "crisis.recordchange"}
# Patient data: in the file only for a requester with the capability (Cap.SEE_PATIENT_DATA).
PATIENT_DATA_APPS = {"beds"}
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active")
# Records of the establishment (not of one crisis) that the file takes over the crisis's time:
# from a week before detection (an attack starts before anyone sees it) to closure, or now.
WINDOWED = {"tickets.alert": "received_at", "beds.movement": "occurred_at"}
WINDOW_BEFORE = timedelta(days=7)


def crisis_window(crisis: Crisis) -> tuple[datetime, datetime]:
    return crisis.detected_at - WINDOW_BEFORE, crisis.closed_at or timezone.now()


def _label(model) -> str:
    return model._meta.label_lower


def _crisis_models(include_patient_data: bool) -> list[type[models.Model]]:
    """Every model of an installed app with a `crisis` foreign key to Crisis, Crisis itself first."""
    found = [Crisis]
    for model in apps.get_models():
        if _label(model) in WINDOWED:
            continue
        meta = model._meta
        if meta.app_label in SKIPPED_APPS or _label(model) in SKIPPED_MODELS or model is Crisis:
            continue
        if meta.app_label in PATIENT_DATA_APPS and not include_patient_data:
            continue
        crisis_field = next((f for f in meta.concrete_fields if f.name == "crisis"), None)
        if crisis_field is not None and crisis_field.is_relation and crisis_field.related_model is Crisis:
            found.append(model)
    return found


def _related_closure(crisis: Crisis, include_patient_data: bool) -> dict[type[models.Model], set]:
    """{model: ids} of the crisis's records and of every record they point at, transitively."""
    user_model = get_user_model()
    needed: dict[type[models.Model], set] = defaultdict(set)
    for model in _crisis_models(include_patient_data):
        lookup = {"pk": crisis.pk} if model is Crisis else {"crisis": crisis}
        needed[model].update(model._base_manager.filter(**lookup).values_list("pk", flat=True))
    start, end = crisis_window(crisis)
    for label, time_field in WINDOWED.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        if model._meta.app_label in PATIENT_DATA_APPS and not include_patient_data:
            continue
        rows = model._base_manager.filter(
            establishment_id=crisis.establishment_id, **{f"{time_field}__gte": start, f"{time_field}__lte": end}
        )
        needed[model].update(rows.values_list("pk", flat=True))
    _add_children(needed, include_patient_data)
    # The establishment's members: who can open the crisis once imported.
    needed[Membership].update(
        Membership.objects.filter(establishment_id=crisis.establishment_id).values_list("pk", flat=True)
    )
    pending = list(needed)
    while pending:
        model = pending.pop()
        ids = needed[model]
        if not ids:
            continue
        for relation in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            target = relation.related_model if relation.is_relation else None
            if target is None or target._meta.app_label in SKIPPED_APPS or _label(target) in SKIPPED_MODELS:
                continue
            if target._meta.app_label in PATIENT_DATA_APPS and not include_patient_data:
                continue
            if relation.many_to_many:
                through = relation.remote_field.through
                source = relation.m2m_field_name()
                target_ids = set(
                    through.objects.filter(**{f"{source}__in": ids}).values_list(relation.m2m_reverse_name(), flat=True)
                )
            else:
                target_ids = set(
                    model._base_manager.filter(pk__in=ids)
                    .exclude(**{f"{relation.attname}__isnull": True})
                    .values_list(relation.attname, flat=True)
                )
            new = target_ids - needed[target]
            if new:
                needed[target].update(new)
                if target is not user_model:
                    pending.append(target)
    return needed


class _ExactTimes(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder cuts them to the millisecond, and the journal's
    hashes cover the microseconds (an imported chain must verify)."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _add_children(needed: dict, include_patient_data: bool) -> None:
    """Records that belong to the crisis's records without a crisis of their own (the calls of a call
    list, the acknowledgements of a message, the SMS of a call): whatever points at them, transitively."""
    candidates = [
        model
        for model in apps.get_models()
        if model._meta.app_label not in SKIPPED_APPS
        and _label(model) not in SKIPPED_MODELS
        and (include_patient_data or model._meta.app_label not in PATIENT_DATA_APPS)
    ]
    owners = [model for model, ids in needed.items() if ids and model is not Crisis]
    while owners:
        found = []
        for model in candidates:
            for relation in model._meta.concrete_fields:
                if not (relation.is_relation and relation.many_to_one and relation.related_model in owners):
                    continue
                if relation.null:
                    continue  # an optional link (an alert's journal entry) does not make it the crisis's
                ids = needed[relation.related_model]
                new = (
                    set(model._base_manager.filter(**{f"{relation.attname}__in": ids}).values_list("pk", flat=True))
                    - needed[model]
                )
                if new:
                    needed[model].update(new)
                    found.append(model)
        owners = found


def _fixture(model, ids) -> bytes:
    """The records in Django's JSON fixture format (what loaddata reads back).

    Serialized to Python objects, then encoded in one json.dumps: the JSON serializer dumps each
    object on its own through the pure-Python encoder, twice as slow on 20,000 journal entries.
    """
    queryset = model._base_manager.filter(pk__in=ids).order_by("pk")
    fields = USER_FIELDS if model is get_user_model() else None
    # Passwords and tokens never leave: people come back without a usable password.
    rows = serializers.serialize("python", queryset.iterator(chunk_size=2000), fields=fields)
    return json.dumps(rows, cls=_ExactTimes, ensure_ascii=False).encode()


def _attachments(needed) -> list[tuple[str, str]]:
    """(name in the zip, storage name) of every file a record of the file carries."""
    files = []
    for model, ids in needed.items():
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        for file_field in file_fields:
            names = model._base_manager.filter(pk__in=ids).exclude(**{file_field.name: ""})
            for name in names.values_list(file_field.name, flat=True):
                if name:
                    files.append((f"attachments/{name}", name))
    return sorted(set(files))


def history_json(needed) -> bytes:
    """Every change of the file's records kept by the record kit (who, when, before, after), by model.

    A reader's view, not loaded back by import_crisis: the rows name their model by label, where the
    database holds a content type id that another database numbers differently.
    """
    from django.contrib.contenttypes.models import ContentType

    from crisis.models import RecordChange

    rows = []
    for model, ids in sorted(needed.items(), key=lambda item: _label(item[0])):
        if not ids or model is get_user_model():
            continue
        content_type = ContentType.objects.get_for_model(model)
        ordered = sorted(ids)
        for start in range(0, len(ordered), 5000):
            batch = ordered[start : start + 5000]
            changes = RecordChange.objects.filter(content_type=content_type, object_id__in=batch)
            rows += [_history_row(model, change) for change in changes.order_by("changed_at", "pk")]
    return json.dumps(rows, ensure_ascii=False, indent=None, cls=DjangoJSONEncoder).encode()


def _history_row(model, change) -> dict:
    return {
        "model": _label(model),
        "object_id": change.object_id,
        "action": change.action,
        "changed_by": change.changed_by_id,
        "source": change.source,
        "changed_at": change.changed_at.isoformat(),
        "before": change.before,
        "after": change.after,
    }


def journal_json(crisis: Crisis) -> bytes:
    """The journal with its chain and the chain's verification now (a reader's view; data/ holds the fixture)."""
    broken = journal_verify_chain(crisis)
    crisis.refresh_from_db(fields=["journal_last_seq", "journal_last_hash", "journal_legacy_seq"])
    entries = []
    for e in crisis.journal_entries.order_by("seq").select_related("recorded_by").iterator(chunk_size=2000):
        entries.append(
            {
                "seq": e.seq,
                "occurred_at": e.occurred_at.isoformat(),
                "recorded_at": e.recorded_at.isoformat(),
                "recorded_by": e.recorded_by_id,
                "author": e.author_label,
                "source": e.source,
                "sender": e.sender,
                "recipient": e.recipient,
                "channel": e.channel,
                "kind": e.kind,
                "priority": e.priority,
                "text": e.text,
                "attachment": e.attachment.name or "",
                "attachment_sha256": e.attachment_sha256,
                "phase": e.phase,
                "corrects": e.corrects_id,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
                "key_id": e.key_id,
            }
        )
    document = {
        "crisis": crisis.pk,
        "title": crisis.title,
        "head": {"seq": crisis.journal_last_seq, "hash": crisis.journal_last_hash},
        "legacy_seq": crisis.journal_legacy_seq,
        "verification": {
            "at": timezone.now().isoformat(),
            "intact": broken is None,
            "first_broken_seq": None if broken is None else broken.seq,
            "key_id": key_id_of(settings.JOURNAL_KEY),
        },
        "entries": entries,
    }
    # No indent: the C encoder (an indented dump goes through the pure-Python one, three times slower).
    return json.dumps(document, ensure_ascii=False).encode()


@dataclass
class Part:
    name: str
    content: bytes | Callable[[], bytes]

    def read(self) -> bytes:
        return self.content() if callable(self.content) else self.content


@dataclass
class Contents:
    crisis: Crisis
    parts: list[Part] = field(default_factory=list)
    patient_data: bool = False


def patient_parts(crisis: Crisis) -> list[Part]:
    """The patient data of the evidence file alone (bed movements...): for a requester allowed to see them."""
    without = _related_closure(crisis, False)
    needed = {model: ids - without.get(model, set()) for model, ids in _related_closure(crisis, True).items()}
    needed = {model: ids for model, ids in needed.items() if ids}
    parts = [
        Part(f"data/{_label(model)}.json", _fixture(model, ids))
        for model, ids in sorted(needed.items(), key=lambda item: _label(item[0]))
    ]
    for zip_name, storage_name in _attachments(needed):
        parts.append(Part(zip_name, lambda storage_name=storage_name: _read_storage(storage_name)))
    return parts


def pack(parts: list[Part]) -> bytes:
    """Parts in a plain zip (no manifest): how a rendered part of the collection carries several files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in parts:
            archive.writestr(part.name, part.read())
    return out.getvalue()


def unpack(content: bytes) -> list[Part]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return [Part(name, archive.read(name)) for name in archive.namelist()]


def data_parts(crisis: Crisis, *, include_patient_data: bool) -> list[Part]:
    """Every file of the evidence file but the PDFs and the manifest: JSON, spreadsheets, attachments."""
    needed = _related_closure(crisis, include_patient_data)
    parts = [Part("journal/journal.json", journal_json(crisis))]
    lines = crisis.rida_lines.select_related("owner", "source_entry", "meeting").order_by("seq")
    parts.append(Part("rida/rida.xlsx", rida_xlsx(lines, title=crisis.title)))
    parts.append(Part("obligations/couts.xlsx", costs_xlsx(crisis)))
    parts.append(Part("historique/modifications.json", history_json(needed)))
    for model, ids in sorted(needed.items(), key=lambda item: _label(item[0])):
        if ids:
            parts.append(Part(f"data/{_label(model)}.json", _fixture(model, ids)))
    for zip_name, storage_name in _attachments(needed):
        parts.append(Part(zip_name, lambda storage_name=storage_name: _read_storage(storage_name)))
    return parts


def _read_storage(name: str) -> bytes:
    try:
        with default_storage.open(name, "rb") as fh:
            return fh.read()
    except FileNotFoundError:
        return b""  # the manifest then records the empty file; verify_journal names the missing attachment


def sign(manifest: bytes, key: str | None = None) -> str:
    key = key or settings.JOURNAL_KEY
    return f"{key_id_of(key)}:{hmac.new(key.encode(), manifest, hashlib.sha256).hexdigest()}"


README_TEMPLATE = "pdf/obligations/evidence_readme.txt"


def write_zip(crisis: Crisis, parts: list[Part], *, generated_at: datetime, patient_data: bool) -> bytes:
    """The zip: every part, a README, the manifest of their SHA-256 and its signature."""
    out = io.BytesIO()
    digests = {}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for part in [Part("LISEZMOI.txt", render_to_string(README_TEMPLATE).encode()), *parts]:
            content = part.read()
            digests[part.name] = hashlib.sha256(content).hexdigest()
            archive.writestr(part.name, content)
        manifest = json.dumps(
            {
                "format": FORMAT,
                "crisis": {"id": crisis.pk, "title": crisis.title, "establishment": crisis.establishment.name},
                "generated_at": generated_at.isoformat(),
                "patient_data": patient_data,
                "key_id": key_id_of(settings.JOURNAL_KEY),
                "files": dict(sorted(digests.items())),
            },
            ensure_ascii=False,
            indent=1,
        ).encode()
        archive.writestr(MANIFEST, manifest)
        archive.writestr(SIGNATURE, sign(manifest))
    return out.getvalue()


PDF_FILES = {"journal": "journal/main-courante.pdf", "rida": "rida/rida.pdf", "retex": "obligations/retex.pdf"}


def pdf_plan(crisis: Crisis) -> list[tuple[str, dict]]:
    """The printed documents of the file, (document, params): the main courante, the RIDA, the RETEX, and
    the relevé of every point de situation held, in time order."""
    plan = [(name, {"crisis_id": crisis.pk}) for name in PDF_FILES]
    held = crisis.meetings.filter(started_at__isnull=False).order_by("scheduled_at", "pk").values_list("pk", flat=True)
    plan += [("meeting_releve", {"crisis_id": crisis.pk, "meeting_id": pk}) for pk in held]
    return plan


def pdf_names(documents: list[str]) -> list[str]:
    """The file name in the zip of each planned document, in plan order (relevés numbered in time order)."""
    names, releve = [], 0
    for document in documents:
        if document == "meeting_releve":
            releve += 1
            names.append(f"points/releve-{releve:02d}.pdf")
        else:
            names.append(PDF_FILES[document])
    return names


def render_pdfs(crisis: Crisis) -> list[Part]:
    """The PDFs, rendered in this process (export_crisis): the main courante, the RIDA, the RETEX, the relevés."""
    from printing import assembly, engine, registry

    establishment = crisis.establishment
    now = timezone.now()
    plan = pdf_plan(crisis)
    parts = []
    for (document_name, params), zip_name in zip(plan, pdf_names([d for d, _p in plan]), strict=True):
        document = registry.get(document_name)
        pdfs = []
        for chunk in document.chunks(establishment, params):
            with registry.rendering(document):
                rendered = document.render(establishment, chunk, generated_at=now)
            pdfs.append(engine.html_to_pdf(rendered.html)[0])
        pdf = assembly.merge(pdfs) if len(pdfs) > 1 else pdfs[0]
        if document.stamp_page_numbers:
            pdf = assembly.stamp_page_numbers(pdf)
        parts.append(Part(zip_name, pdf))
    return parts


def evidence_zip(
    crisis: Crisis, *, include_patient_data: bool, with_pdfs: bool = True, pdf_parts: list[Part] | None = None
) -> bytes:
    generated_at = timezone.now()
    parts = data_parts(crisis, include_patient_data=include_patient_data)
    if pdf_parts is not None:
        parts = pdf_parts + parts
    elif with_pdfs:
        parts = render_pdfs(crisis) + parts
    return write_zip(crisis, parts, generated_at=generated_at, patient_data=include_patient_data)


# --- verification, offline ------------------------------------------------------


@dataclass
class Report:
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    signature: str = "absente"  # "valide", "invalide", "clé inconnue", "absente"
    chain: str = ""  # "intègre", "rompue à l'entrée n° N", "absente"
    files: int = 0

    @property
    def ok(self) -> bool:
        return (
            not (self.changed or self.added or self.removed)
            and self.signature == "valide"
            and self.chain.startswith("intègre")
        )


def _keys(extra_keys: list[str]) -> dict[str, bytes]:
    keys = dict(journal_keys())
    keys.update({key_id_of(k): k.encode() for k in extra_keys if k})
    return keys


def _verify_chain(journal: dict, crisis_id: int, keys: dict[str, bytes]) -> str:
    """The chain of journal.json, recomputed entry by entry (HMACs with the keys given)."""
    from crisis.services.journal import LEGACY_KEY_ID, journal_entry_digest

    prev, expected = "", 1
    legacy_seq = journal.get("legacy_seq", 0)
    for raw in journal["entries"]:
        entry = JournalEntry(
            crisis_id=crisis_id,
            seq=raw["seq"],
            occurred_at=datetime.fromisoformat(raw["occurred_at"]),
            recorded_at=datetime.fromisoformat(raw["recorded_at"]),
            recorded_by_id=raw["recorded_by"],
            source=raw["source"],
            sender=raw["sender"],
            recipient=raw["recipient"],
            channel=raw["channel"],
            kind=raw["kind"],
            priority=raw["priority"],
            text=raw["text"],
            attachment_sha256=raw["attachment_sha256"],
            phase=raw["phase"],
            corrects_id=raw["corrects"],
            prev_hash=raw["prev_hash"],
            key_id=raw["key_id"],
        )
        entry.attachment.name = raw["attachment"]
        if raw["key_id"] != LEGACY_KEY_ID and raw["key_id"] not in keys:
            return f"clé {raw['key_id']} inconnue à l'entrée n° {raw['seq']} : HMAC non vérifiables"
        digest = journal_entry_digest(entry, keys)
        legacy_late = raw["key_id"] == LEGACY_KEY_ID and raw["seq"] > legacy_seq
        if raw["seq"] != expected or raw["prev_hash"] != prev or digest != raw["hash"] or legacy_late:
            return f"rompue à l'entrée n° {raw['seq']}"
        prev, expected = raw["hash"], expected + 1
    if journal["head"]["hash"] != prev or journal["head"]["seq"] != expected - 1:
        return f"rompue à l'entrée n° {expected}"
    return f"intègre ({expected - 1} entrées)"


def verify_zip(source, *, keys: list[str] | None = None) -> Report:
    """Check an evidence file with nothing but itself (and the keys): files, manifest signature, journal chain."""
    report = Report()
    known_keys = _keys(keys or [])
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        if MANIFEST not in names:
            report.removed.append(MANIFEST)
            report.chain = "absente"
            return report
        manifest_bytes = archive.read(MANIFEST)
        manifest = json.loads(manifest_bytes)
        listed = manifest["files"]
        for name, expected in listed.items():
            if name not in names:
                report.removed.append(name)
                continue
            digest = hashlib.sha256()
            with archive.open(name) as fh:
                for block in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    digest.update(block)
            if digest.hexdigest() != expected:
                report.changed.append(name)
        report.added = sorted(names - set(listed) - {MANIFEST, SIGNATURE})
        report.files = len(listed)
        if SIGNATURE in names:
            key_id, _sep, mac = archive.read(SIGNATURE).decode().partition(":")
            key = known_keys.get(key_id)
            if key is None:
                report.signature = "clé inconnue"
            else:
                valid = hmac.compare_digest(mac, hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest())
                report.signature = "valide" if valid else "invalide"
        if "journal/journal.json" in names:
            journal = json.loads(archive.read("journal/journal.json"))
            report.chain = _verify_chain(journal, manifest["crisis"]["id"], known_keys)
        else:
            report.chain = "absente"
    return report


# --- import -------------------------------------------------------------------------


def import_zip(source) -> Crisis:
    """Load an evidence file's records into this database (empty of them): the same ids, the same chain.

    The fixtures go through loaddata (raw saves, constraints checked at the end, sequences
    reset), attachments back into storage under their names. Refused when the crisis or its
    establishment already exists here: an import never merges into live data.
    """
    import tempfile
    from pathlib import Path

    from django.core.management import call_command
    from django.core.management.base import CommandError

    with zipfile.ZipFile(source) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        crisis_id = manifest["crisis"]["id"]
        if Crisis.objects.filter(pk=crisis_id).exists():
            raise CommandError(f"La crise {crisis_id} existe déjà dans cette base : import refusé.")
        fixtures = sorted(n for n in archive.namelist() if n.startswith("data/") and n.endswith(".json"))
        establishment_file = "data/crisis.establishment.json"
        if establishment_file in fixtures:
            ids = [row["pk"] for row in json.loads(archive.read(establishment_file))]
            if Establishment.objects.filter(pk__in=ids).exists():
                raise CommandError("L'établissement existe déjà dans cette base : import refusé (base vide attendue).")
        with tempfile.TemporaryDirectory() as folder:
            paths = []
            for name in fixtures:
                path = Path(folder) / name.replace("/", "_")
                path.write_bytes(archive.read(name))
                paths.append(str(path))
            call_command("loaddata", *paths, verbosity=0)
        for name in archive.namelist():
            if name.startswith("attachments/"):
                stored = name.removeprefix("attachments/")
                if not default_storage.exists(stored):
                    default_storage.save(stored, io.BytesIO(archive.read(name)))
    return Crisis.objects.get(pk=crisis_id)

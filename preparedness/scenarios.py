"""A chronogramme read from JSON or CSV, checked line by line before anything is saved.

JSON: the shared scenarios' shape ({"injects": [{"t", "from", "to", "channel", "kind", "text",
"expected"}]}), a bare list of such lines, or the API's own names (offset_minutes, sender,
recipient, channel, content, expected_reaction). CSV: a header row with either set of names,
comma or semicolon separated (a spreadsheet's export). Channels and kinds are matched loosely
("téléphone aux postes de soins" is a phone call, "décision" a decision).
"""

import csv
import io
import json
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from crisis.models import JournalEntry

MAX_INJECTS = 500
MAX_TEXT = 4000

# Each API name and the scenario files' short names for it.
ALIASES = {
    "offset_minutes": ("offset_minutes", "t", "offset", "minutes"),
    "sender": ("sender", "from", "emetteur"),
    "recipient": ("recipient", "to", "destinataire"),
    "channel": ("channel", "canal"),
    "kind": ("kind", "type"),
    "content": ("content", "text", "stimulus", "texte"),
    "expected_reaction": ("expected_reaction", "expected", "reaction_attendue"),
}

CHANNEL_WORDS = (
    ("telephone", JournalEntry.Channel.TELEPHONE),
    ("appel", JournalEntry.Channel.TELEPHONE),
    ("sur site", JournalEntry.Channel.SUR_SITE),
    ("sur_site", JournalEntry.Channel.SUR_SITE),
    ("reunion", JournalEntry.Channel.REUNION),
    ("papier", JournalEntry.Channel.PAPIER),
    ("fiche", JournalEntry.Channel.PAPIER),
    ("messagerie", JournalEntry.Channel.MESSAGERIE),
    ("mail", JournalEntry.Channel.MESSAGERIE),
    ("radio", JournalEntry.Channel.RADIO),
)


@dataclass(frozen=True)
class InjectLine:
    offset_minutes: int
    sender: str
    recipient: str
    channel: str
    kind: str
    content: str
    expected_reaction: str


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def channel_of(text: str) -> str:
    folded = fold(text or "")
    if folded in JournalEntry.Channel.values:
        return folded
    for word, channel in CHANNEL_WORDS:
        if word in folded:
            return channel
    return JournalEntry.Channel.AUTRE


def kind_of(text: str) -> str:
    folded = fold(text or "")
    return folded if folded in JournalEntry.Kind.values else JournalEntry.Kind.FAIT


def _field(row: dict, name: str):
    folded = {fold(k): v for k, v in row.items() if isinstance(k, str)}
    for alias in ALIASES[name]:
        if alias in folded and folded[alias] not in (None, ""):
            return folded[alias]
    return None


def _line(row, index: int) -> InjectLine:
    where = _("ligne %(n)s") % {"n": index}
    if not isinstance(row, dict):
        raise ValidationError({"injects": [_("%(where)s : un objet est attendu.") % {"where": where}]})
    raw_offset = _field(row, "offset_minutes")
    try:
        offset = int(str(raw_offset).strip()) if raw_offset is not None and not isinstance(raw_offset, bool) else None
    except ValueError:
        offset = None
    errors = []
    if offset is None or not 0 <= offset <= 525_600:
        errors.append(_("%(where)s : décalage en minutes manquant ou invalide (0 à 525600).") % {"where": where})
    content, sender = (str(_field(row, name) or "").strip() for name in ("content", "sender"))
    if not content:
        errors.append(_("%(where)s : le stimulus est obligatoire.") % {"where": where})
    if not sender:
        errors.append(_("%(where)s : l'émetteur simulé est obligatoire.") % {"where": where})
    texts = {name: str(_field(row, name) or "").strip() for name in ("recipient", "expected_reaction")}
    if len(content) > MAX_TEXT or any(len(t) > MAX_TEXT for t in texts.values()) or len(sender) > 200:
        errors.append(_("%(where)s : texte trop long.") % {"where": where})
    if errors:
        raise ValidationError({"injects": errors})
    return InjectLine(
        offset_minutes=offset,
        sender=sender,
        recipient=texts["recipient"][:200],
        channel=channel_of(_field(row, "channel")),
        kind=kind_of(_field(row, "kind")),
        content=content,
        expected_reaction=texts["expected_reaction"],
    )


def lines_of(rows) -> list[InjectLine]:
    if isinstance(rows, dict):
        rows = rows.get("injects")
    if not isinstance(rows, list) or not rows:
        raise ValidationError({"injects": [_("Aucun inject à importer.")]})
    if len(rows) > MAX_INJECTS:
        raise ValidationError({"injects": [_("Au plus %(n)s injects par import.") % {"n": MAX_INJECTS}]})
    errors, lines = [], []
    for index, row in enumerate(rows, start=1):
        try:
            lines.append(_line(row, index))
        except ValidationError as exc:
            errors.extend(exc.message_dict["injects"])
    if errors:
        raise ValidationError({"injects": errors[:20]})
    return lines


def parse_json(text: str) -> list[InjectLine]:
    try:
        data = json.loads(text)
    except ValueError:
        raise ValidationError({"file": [_("Ce fichier n'est pas du JSON valide.")]}) from None
    return lines_of(data)


def parse_csv(text: str) -> list[InjectLine]:
    sample = text[:2000]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error:
        raise ValidationError({"file": [_("Ce fichier n'est pas un CSV lisible.")]}) from None
    if not reader.fieldnames or not any(
        fold(f) in ALIASES["content"] + ALIASES["offset_minutes"] for f in reader.fieldnames
    ):
        raise ValidationError(
            {"file": [_("La première ligne du CSV doit nommer les colonnes (offset_minutes, sender, content…).")]}
        )
    return lines_of(rows)


def parse_upload(data: bytes, name: str = "") -> list[InjectLine]:
    """A file from the import form: JSON if it looks like it, else CSV."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError({"file": [_("Le fichier doit être encodé en UTF-8.")]}) from None
    if name.lower().endswith(".json") or text.lstrip()[:1] in ("{", "["):
        return parse_json(text)
    return parse_csv(text)

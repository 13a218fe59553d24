"""The RIDA for the quality direction: XLSX (real dates, frozen header) and CSV that Excel in French opens right."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from web.moments import moment
from web.text import without_control_characters

from .models import RidaLine

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# A spreadsheet's date cells, shown as the reader's language writes them (web.moments for the CSV's text).
XLSX_DATE_FORMATS = {"fr": "dd/mm/yyyy hh:mm", "en": "d mmm yyyy hh:mm"}


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _source(line: RidaLine) -> str:
    if line.source_entry_id:
        return _("Main courante n° %(seq)s") % {"seq": line.source_entry.seq}
    return line.source_label


def _local(moment: datetime | None) -> datetime | None:
    """Local wall-clock time without zone: a spreadsheet date has none."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def columns() -> list[tuple[str, object]]:
    """(header, value of a line): one column per field of a line."""
    now = timezone.now()
    return [
        (_("Numéro"), lambda line: line.number),
        (_("Type"), lambda line: line.get_kind_display()),
        (_("Thème"), lambda line: line.theme),
        (_("Texte"), lambda line: line.text),
        (_("Source"), _source),
        (_("Porteur"), lambda line: line.owner_label),
        (_("Échéance"), lambda line: _local(line.due_at)),
        (_("Statut"), lambda line: line.status_label),
        (_("En retard"), lambda line: _("oui") if line.is_overdue(now) else _("non")),
        (_("Réponse apportée"), lambda line: line.answer),
        (_("Date de la réponse"), lambda line: _local(line.answered_at)),
        (_("Clôture validée par"), lambda line: _person(line.closure_validated_by)),
        (_("Motif d'abandon"), lambda line: line.abandon_reason),
        (_("Point de situation"), lambda line: str(line.meeting) if line.meeting_id else ""),
        (_("Créée le"), lambda line: _local(line.created_at)),
        (_("Créée par"), lambda line: _person(line.created_by)),
    ]


def _cell(value):
    """Text as a spreadsheet takes it: control characters stored by an older version would make openpyxl refuse the file."""
    return without_control_characters(value) if isinstance(value, str) else value


def rida_xlsx(lines: Iterable[RidaLine], *, title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "RIDA"
    cols = columns()
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    date_format = XLSX_DATE_FORMATS.get(language, XLSX_DATE_FORMATS["fr"])
    sheet.append([header for header, _value in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([_cell(value(line)) for _header, value in cols])
    for index, (header, _value) in enumerate(cols, start=1):
        letter = get_column_letter(index)
        wide = header in (_("Texte"), _("Réponse apportée"), _("Motif d'abandon"))
        sheet.column_dimensions[letter].width = 60 if wide else 18
        for cell in sheet[letter][1:]:
            if isinstance(cell.value, datetime):
                cell.number_format = date_format
            elif wide:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rida_csv(lines: Iterable[RidaLine]) -> bytes:
    """UTF-8 with a byte-order mark and ';' between columns: what Excel in French expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    cols = columns()
    writer.writerow([header for header, _value in cols])
    for line in lines:
        row = []
        for _header, value in cols:
            cell = value(line)
            row.append(moment(cell, "date_time") if isinstance(cell, datetime) else _cell(cell))
        writer.writerow(row)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def filename(crisis, extension: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"RIDA-{crisis.establishment.short_name}-{crisis.pk}-{stamp}.{extension}"

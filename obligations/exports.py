"""Spreadsheets for the finance direction: the cost lines and their totals (openpyxl)."""

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from crisis.models import Crisis

from . import selectors


def costs_xlsx(crisis: Crisis) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Coûts")[:31]
    headers = [
        _("Date"),
        _("Catégorie"),
        _("Libellé"),
        _("Fournisseur"),
        _("Référence"),
        _("Pris en charge par"),
        _("Montant (€)"),
    ]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cost in selectors.costs_of(crisis):
        sheet.append(
            [
                cost.date,
                str(cost.get_category_display()),
                cost.label,
                cost.supplier,
                cost.reference,
                str(cost.get_covered_by_display()) if cost.covered_by else "",
                float(cost.amount),
            ]
        )
        sheet.cell(row=sheet.max_row, column=1).number_format = "DD/MM/YYYY"
        sheet.cell(row=sheet.max_row, column=7).number_format = "#,##0.00"
    totals = workbook.create_sheet(_("Totaux")[:31])
    totals.append([_("Catégorie"), _("Montant (€)")])
    for cell in totals[1]:
        cell.font = Font(bold=True)
    figures = selectors.cost_totals(crisis)
    for _value, label, amount in figures["categories"]:
        totals.append([str(label), float(amount)])
    totals.append([_("Total"), float(figures["total"])])
    totals.append([_("dont pris en charge par l'assureur"), float(figures["covered"]["assureur"])])
    totals.append([_("dont pris en charge par l'ARS"), float(figures["covered"]["ars"])])
    for column, width in zip("ABCDEFG", (12, 28, 30, 24, 18, 18, 14), strict=False):
        sheet.column_dimensions[column].width = width
    totals.column_dimensions["A"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""Printed documents of the obligations app: each report as the form "by any means", the RETEX (printing.declare).

The evidence file (a collection: a zip with a signed manifest) is declared in obligations/evidence.py.
"""

from django import forms
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crisis.models import Crisis
from crisis.permissions import Cap
from printing.declare import Collection, CrisisDocument, Item, Rendered, local, register, render_html

from . import access, drafts, evidence, retex
from .models import Kind, Obligation, Retex


class ObligationFormParams(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Obligation"), choices=Kind.choices)


class ObligationFormDocument(CrisisDocument):
    """A report pre-filled from the console, printed to send "by any means" when the portal is unreachable."""

    name = "obligation_form"
    title = gettext_lazy("Formulaire de signalement « par tout moyen »")
    description = gettext_lazy(
        "Le signalement prérempli (établissement, déclarant, heures, périmètre, impacts), imprimé pour "
        "l'envoyer par tout moyen quand le portail est injoignable."
    )
    templates = ("pdf/obligations/obligation_form.html",)
    form_class = ObligationFormParams
    required_capability = access.READ

    def data(self, establishment, params: dict):
        crisis = self.crisis_of(establishment, params)
        obligation = Obligation.objects.filter(crisis=crisis, kind=params["kind"]).first()
        obligation = obligation or Obligation(crisis=crisis, kind=params["kind"])
        obligation.crisis = crisis
        return drafts.draft(obligation, None)

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        return render_html(
            "pdf/obligations/obligation_form.html",
            establishment=establishment,
            title=str(dict(Kind.choices)[params["kind"]]),
            generated_at=generated_at,
            data_label=local(generated_at),
            exercise=crisis.is_exercise,
            crisis=crisis,
            draft=self.data(establishment, params),
        )


class RetexDocument(CrisisDocument):
    """The RETEX: figures and chronology from the data, the five written sections, the action plan."""

    name = "retex"
    title = gettext_lazy("RETEX")
    description = gettext_lazy(
        "Retour d'expérience : chiffres, chronologie des faits marquants, les cinq questions et le plan d'actions."
    )
    templates = ("pdf/obligations/retex.html",)
    required_capability = access.READ

    def data(self, establishment, params: dict):
        crisis = self.crisis_of(establishment, params)
        report = Retex.objects.filter(crisis=crisis).values_list("updated_at", flat=True).first()
        rida = crisis.rida_lines.aggregate(n=Count("pk"), at=Max("updated_at"))
        return [str(report), crisis.journal_last_seq, rida["n"], str(rida["at"]), retex.figures(crisis)]

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        report = Retex.objects.filter(crisis=crisis).first() or Retex(crisis=crisis)
        return render_html(
            "pdf/obligations/retex.html",
            establishment=establishment,
            title=self.label(establishment, params),
            generated_at=generated_at,
            data_label=local(generated_at),
            exercise=crisis.is_exercise,
            crisis=crisis,
            retex=report,
            sections=[(report._meta.get_field(n).verbose_name, getattr(report, n)) for n in Retex.SECTIONS],
            figures=retex.figures(crisis),
            chronology=retex.chronology(crisis),
            actions=list(crisis.rida_lines.filter(source_label="RETEX").order_by("seq")),
        )


class EvidenceData(CrisisDocument):
    """The evidence file's data (JSON of every record, spreadsheets, attachments), as one part: a zip."""

    name = "evidence_data"
    title = gettext_lazy("Données du dossier de preuves")
    description = gettext_lazy("Les enregistrements de la crise (JSON), tableurs et pièces jointes.")
    extension = "zip"
    required_capability = access.EXPORT
    templates = (evidence.README_TEMPLATE,)  # the file's LISEZMOI.txt, added when the zip is assembled
    weight = 3

    def data(self, establishment, params: dict):
        return timezone.now().isoformat()  # evidence is taken now, never from a cache

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        crisis = self.crisis_of(establishment, params)
        return Rendered(content=evidence.pack(evidence.data_parts(crisis, include_patient_data=False)))


class EvidencePatientData(EvidenceData):
    """The bed movements and other patient data of the evidence file: only for a requester allowed to see them."""

    name = "evidence_patient_data"
    title = gettext_lazy("Données patients du dossier de preuves")
    description = gettext_lazy("Mouvements de patients de la crise (réservé aux personnes habilitées).")
    required_capability = Cap.SEE_PATIENT_DATA

    def render(self, establishment, params: dict, *, generated_at) -> Rendered:
        return Rendered(content=evidence.pack(evidence.patient_parts(self.crisis_of(establishment, params))))


DATA_PARTS = ("evidence_data", "evidence_patient_data")


class EvidenceFile(CrisisDocument, Collection):
    """The crisis's evidence file: the PDFs rendered as parts by the workers, the data, a signed manifest."""

    name = "evidence"
    title = gettext_lazy("Dossier de preuves")
    description = gettext_lazy(
        "Un zip : main courante (PDF et JSON avec sa chaîne vérifiée), RIDA, points, décisions, obligations, "
        "coûts, données des applications, pièces jointes, manifeste SHA-256 signé. Vérifiable hors ligne "
        "(verify_export)."
    )
    extension = "zip"
    required_capability = access.EXPORT

    def members(self):
        from printing import registry

        names = (*evidence.PDF_FILES, "meeting_releve", "evidence_data", "evidence_patient_data")
        return [registry.get(name) for name in names]

    def member_items(self, establishment, params: dict, granted) -> list[Item]:
        from printing import registry

        crisis = self.crisis_of(establishment, params)
        plan = [*evidence.pdf_plan(crisis), *((name, {"crisis_id": crisis.pk}) for name in DATA_PARTS)]
        return [
            registry.get(name).item(establishment, item_params)
            for name, item_params in plan
            if registry.allowed(registry.get(name), granted)
        ]

    def assemble(self, establishment, title, items, generated_at):
        from printing.assembly import Output

        pdf_items = [item for item in items if item.document not in DATA_PARTS]
        names = evidence.pdf_names([item.document for item in pdf_items])
        parts = [evidence.Part(name, item.content()) for name, item in zip(names, pdf_items, strict=True)]
        patient_data = False
        for item in items:
            if item.document in DATA_PARTS:
                parts += evidence.unpack(item.content())
                patient_data = patient_data or item.document == "evidence_patient_data"
        crisis_id = _crisis_of_parts(parts)
        crisis = Crisis.objects.select_related("establishment").get(pk=crisis_id, establishment=establishment)
        content = evidence.write_zip(crisis, parts, generated_at=generated_at, patient_data=patient_data)
        return Output(content, None, "zip")

    def label(self, establishment, params: dict) -> str:
        return _("Dossier de preuves — %(crisis)s") % {"crisis": self.crisis_of(establishment, params).title}


def _crisis_of_parts(parts) -> int | None:
    import json

    for part in parts:
        if part.name == "journal/journal.json":
            return json.loads(part.read())["crisis"]
    return None


register(ObligationFormDocument())
register(RetexDocument())
register(EvidenceData())
register(EvidencePatientData())
register(EvidenceFile())

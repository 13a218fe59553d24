"""Collections are declared, not wired in: a new one (an evidence file) needs no change to the engine."""

import csv
import hashlib
import io
import json
import zipfile

import pytest

from printing import assembly, registry, services
from printing.declare import Collection, PrintableDocument, Rendered, register
from printing.models import PrintJob


class DirectoryCsv(PrintableDocument):
    """A file that is not a PDF: stored, cached and bundled as it is."""

    name = "test_directory_csv"
    title = "Annuaire (tableur)"
    extension = "csv"
    kit_order = 99

    def render(self, establishment, params, *, generated_at) -> Rendered:
        out = io.StringIO()
        csv.writer(out).writerows([["nom"], [establishment.name]])
        return Rendered(content=out.getvalue().encode())


class EvidenceFile(Collection):
    """A zip of chosen documents with a manifest of their SHA-256, as the evidence export will be."""

    name = "test_evidence"
    title = "Dossier de preuves"
    extension = "zip"

    def members(self):
        return [registry.get("message_form"), registry.get(DirectoryCsv.name)]

    def member_items(self, establishment, params, granted):
        return [d.item(establishment, {}) for d in self.members() if registry.allowed(d, granted)]

    def assemble(self, establishment, title, items, generated_at) -> assembly.Output:
        files = [(assembly.file_name(i, item.label, item.extension), item.content()) for i, item in enumerate(items)]
        manifest = {name: hashlib.sha256(content).hexdigest() for name, content in files}
        files.append(("manifest.json", json.dumps(manifest).encode()))
        return assembly.Output(assembly.zip_archive(files), None, "zip")


@pytest.fixture
def csv_document():
    document = register(DirectoryCsv())
    yield document
    registry.unregister(document.name)


@pytest.fixture
def evidence(csv_document):
    collection = register(EvidenceFile())
    yield collection
    registry.unregister(collection.name)


def test_a_third_collection_with_non_pdf_files_is_only_a_declaration(
    establishment, director, evidence, inline_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(establishment=establishment, by=director, document=evidence.name)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    assert job.extension == "zip" and job.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(job.file.read()))
    manifest = json.loads(archive.read("manifest.json"))
    assert sorted(manifest) == ["00-formulaire-de-message.pdf", "01-annuaire-tableur.csv"]
    for name, sha in manifest.items():
        assert hashlib.sha256(archive.read(name)).hexdigest() == sha
    assert establishment.name in archive.read("01-annuaire-tableur.csv").decode()


def test_the_bundle_carries_non_pdf_files_as_they_are_and_the_kit_leaves_them_out(
    establishment, director, csv_document, inline_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        bundle = services.bundle_build(establishment=establishment, by=director)
        kit = services.kit_build(establishment=establishment, by=director)
    bundle.refresh_from_db()
    kit.refresh_from_db()
    assert bundle.status == kit.status == PrintJob.Status.DONE, (bundle.error, kit.error)
    archive = zipfile.ZipFile(io.BytesIO(bundle.file.read()))
    (spreadsheet,) = [n for n in archive.namelist() if n.endswith(".csv")]
    assert archive.read(spreadsheet).startswith(b"nom")
    assert f'href="{spreadsheet}"' in archive.read("index.html").decode()
    assert csv_document.name not in [entry["document"] for entry in kit.plan]

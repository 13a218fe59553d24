"""Long documents render in parallel chunks; the merged pages are numbered "page x / y" afterwards."""

import io

from pypdf import PdfReader

from crisis import services as crisis_services
from printing import assembly, engine, registry, services
from printing.models import PrintJob


def pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_stamping_numbers_every_page_of_a_merged_pdf():
    html = '<!doctype html><html><meta charset="utf-8"><body class="stamped">' + "<p>ligne</p>" * 200 + "</body></html>"
    pdf, pages = engine.html_to_pdf(html)
    merged = assembly.merge([pdf, pdf])
    texts = pages_text(assembly.stamp_page_numbers(merged))
    assert len(texts) == 2 * pages > 2
    assert [f"page {n} / {2 * pages}" in text for n, text in enumerate(texts, start=1)] == [True] * len(texts)


def test_a_long_journal_renders_in_parallel_chunks_numbered_once_merged(
    crisis, director, inline_worker, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(type(registry.get("journal")), "CHUNK_ENTRIES", 40)
    for n in range(1, 101):
        crisis_services.journal_append(crisis=crisis, by=director, text=f"Entrée numéro {n:03d} : " + "texte " * 30)
    crisis.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        job = services.print_job_request(
            establishment=crisis.establishment, by=director, document="journal", params={"crisis_id": crisis.pk}
        )
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    assert job.children.count() == 3  # 40 + 40 + 20 entries (and the journal's own opening entry)
    assert {c.params.get("chunk") for c in job.children.all()} == {0, 1, 2}
    texts = pages_text(job.file.read())
    total = len(texts)
    assert total == job.page_count > 3
    for number, text in enumerate(texts, start=1):
        assert f"page {number} / {total}" in text  # the document's numbers, not each chunk's
        assert text.count("page ") == 1  # and no chunk's own counter underneath
    everything = "\n".join(texts)
    assert everything.count("dans l'ordre des événements") == 1  # the heading once, on the first chunk
    assert all(f"Entrée numéro {n:03d}" in everything for n in (1, 40, 41, 80, 81, 100))
    assert job.progress() == (3, 3)


def test_a_new_entry_moves_the_fingerprint_of_every_chunk(crisis, director, establishment):
    # The head of the hash chain covers every entry: a new entry moves every chunk (their footer says
    # "up to entry n"), so chunks are about parallel rendering and bounded memory, not reuse.
    document = registry.get("journal")
    params = {"crisis_id": crisis.pk}
    before = [c.fingerprint for c in document.item(establishment, params).chunks]
    crisis_services.journal_append(crisis=crisis, by=director, text="Nouvelle entrée.")
    crisis.refresh_from_db()
    after = [c.fingerprint for c in document.item(establishment, params).chunks]
    assert before != after

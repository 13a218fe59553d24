from tests.printing.conftest import inline_worker, sent  # noqa: F401 — the print pipeline's inline worker

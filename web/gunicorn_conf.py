"""gunicorn's settings in production (bin/run-dev, the Dockerfile, docker-compose.yml): ``-c python:web.gunicorn_conf``.

The application is loaded once in the master (preload_app) and warmed there (web.warmup)
before the workers fork: each worker takes its first request warm, instead of paying the
imports, the URL resolver and the templates on its first requests after every start. The
price: code changes need a restart, not a HUP (production deploys restart anyway).
"""

import gc
import os

preload_app = True
# One sync worker per core unless WEB_CONCURRENCY says otherwise. Measured (docs/performance.md,
# "Shared answers"): the live answers and shared cards are kept per process, so each worker renders
# each change once; on 2 cores, 2 workers against 3 used less CPU per request (4.3 against 4.6 ms)
# with shorter tails at the same load.
workers = int(os.environ.get("WEB_CONCURRENCY") or os.cpu_count() or 2)


def when_ready(server):
    # Called in the master once the application is loaded, before any worker is forked.
    from web.warmup import warm_up

    loaded = warm_up()
    frozen = freeze_loaded_objects()
    server.log.info(
        "warmed before forking: %(urls)s URL names, %(templates)s templates, %(frozen)s objects frozen",
        {**loaded, "frozen": frozen},
    )


def freeze_loaded_objects() -> int:
    """What the master loaded, out of the workers' garbage collections; how many objects.

    Each worker's full collection went through every object the master loaded (about 230,000):
    210 ms during which the worker answered nobody, the slowest pages of a run (docs/performance.md,
    "Collections that stopped a worker"). Frozen before the fork, they are never traversed again
    (they live as long as the process anyway), and a collection no longer writes to their pages,
    which the workers keep sharing with the master (Python's documentation of gc.freeze)."""
    gc.collect()  # what is already garbage is freed, not frozen
    gc.freeze()
    return gc.get_freeze_count()

"""gunicorn's settings in production (bin/run-dev, the Dockerfile, docker-compose.yml): ``-c python:web.gunicorn_conf``.

The application is loaded once in the master (preload_app) and warmed there (web.warmup)
before the workers fork: each worker takes its first request warm, instead of paying the
imports, the URL resolver and the templates on its first requests after every start. The
price: code changes need a restart, not a HUP (production deploys restart anyway).
"""

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
    server.log.info("warmed before forking: %(urls)s URL names, %(templates)s templates", loaded)

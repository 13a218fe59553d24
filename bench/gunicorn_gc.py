"""gunicorn as deployed (web.gunicorn_conf), each worker noting how long its garbage collections held it.

bench/load.py runs its server with this configuration (unless --profile). Each worker writes
$BENCH_GC_DIR/gc-<pid>.txt when it exits: one line per collection, its generation and its
milliseconds. A full collection that went through every object the master loaded held a worker
about 210 ms (docs/performance.md, "Collections that stopped a worker").
"""

import gc
import os
import time

from web.gunicorn_conf import *  # noqa: F403 (the deployed settings, then the measuring hooks)

_collections: list[tuple[int, float]] = []
_started = [0.0]


def _noted(phase: str, info: dict) -> None:
    if phase == "start":
        _started[0] = time.perf_counter()
    else:
        _collections.append((info["generation"], (time.perf_counter() - _started[0]) * 1000))


def post_fork(server, worker):
    gc.callbacks.append(_noted)


def worker_exit(server, worker):
    path = os.path.join(os.environ["BENCH_GC_DIR"], f"gc-{os.getpid()}.txt")
    with open(path, "w") as out:
        out.writelines(f"{generation} {ms:.3f}\n" for generation, ms in _collections)

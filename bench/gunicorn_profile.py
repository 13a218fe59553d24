"""gunicorn as deployed (web.gunicorn_conf), each worker under cProfile: bench/load.py --profile DIR.

Each worker writes DIR/worker-<pid>.prof when it exits; `python -m pstats` or bench/load.py's summary
reads them. Timed on the process's CPU clock (waits on the database and the network left out); the
profiler slows every call about alike: proportions mean something, durations do not.
"""

import cProfile
import os
import time

from web.gunicorn_conf import *  # noqa: F403 (the deployed settings, then the profiling hooks)

_profilers: dict[int, cProfile.Profile] = {}


def post_fork(server, worker):
    profiler = cProfile.Profile(time.process_time)  # CPU, as the benchmark's figure: not the waits on the database
    _profilers[os.getpid()] = profiler
    profiler.enable()


def worker_exit(server, worker):
    profiler = _profilers.pop(os.getpid(), None)
    if profiler is not None:
        profiler.disable()
        profiler.dump_stats(os.path.join(os.environ["BENCH_PROFILE_DIR"], f"worker-{os.getpid()}.prof"))

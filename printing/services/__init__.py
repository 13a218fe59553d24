"""Every write of the print pipeline, by sub-domain. Views, the API, tasks and commands call these.

- requests: a job is recorded in the caller's transaction and sent to a worker on commit;
- worker: claim, plan, render the parts, assemble, finish or fail;
- sweeper: resend what no worker will otherwise take;
- retention: old files and unused cached parts go.
"""

from .requests import (
    TRANSIENT,
    bundle_build,
    dispatch,
    dispatch_on_commit,
    document_get,
    kit_build,
    kit_build_all,
    print_job_request,
)
from .retention import PruneReport, print_files_prune
from .sweeper import LOST_AFTER_STALE, SweepReport, print_jobs_sweep
from .worker import (
    MAX_ATTEMPTS,
    PARTS_KEPT_UNUSED,
    SOFT_MARGIN,
    STALE_MARGIN,
    part_render,
    print_job_assemble,
    print_job_claim,
    print_job_render,
    render_time_limits,
)

__all__ = [
    "LOST_AFTER_STALE",
    "MAX_ATTEMPTS",
    "PARTS_KEPT_UNUSED",
    "SOFT_MARGIN",
    "STALE_MARGIN",
    "TRANSIENT",
    "PruneReport",
    "SweepReport",
    "bundle_build",
    "dispatch",
    "dispatch_on_commit",
    "document_get",
    "kit_build",
    "kit_build_all",
    "part_render",
    "print_files_prune",
    "print_job_assemble",
    "print_job_claim",
    "print_job_request",
    "print_job_render",
    "print_jobs_sweep",
    "render_time_limits",
]

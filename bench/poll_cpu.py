"""CPU per call of the requests a full cell repeats most: the journal and dashboard polls, their floor.

Each request goes through Django's WSGI handler in this process (the deployed settings and
middleware, no HTTP server), timed with the process's CPU clock: unlike wall time under load,
it barely moves when other work shares the machine, so a change to a poll's path can be
priced on a busy machine. bench/load.py measures the same requests through gunicorn.

    DATABASE_URL=postgres://... PYTHONPATH=. .venv/bin/python bench/poll_cpu.py [--entries 10000] [--calls 300]
    ... bench/poll_cpu.py --profile "journal poll, one"    # where that request's CPU goes (cProfile)
"""

import argparse
import cProfile
import html
import io
import itertools
import os
import pstats
import statistics
import sys
import time
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test import utils as test_utils  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench.common import throwaway_database  # noqa: E402
from bench.load import POLL_PATTERNS, seed_cell  # noqa: E402

PROFILE_FILE = os.environ.get("POLL_CPU_PROFILE", "/tmp/poll_cpu.prof")
SMOKE_ARGS = ["--entries", "200", "--calls", "20"]


class Browser:
    """One member's session, sending requests straight to the WSGI handler."""

    handler = None

    def __init__(self, user):
        client = Client()
        client.force_login(user)
        self.cookie = f"sessionid={client.cookies['sessionid'].value}"
        self.polls: dict[str, str] = {}

    def get(self, path: str, htmx: bool = False) -> tuple[int, bytes]:
        url = urlsplit(path)
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": url.path,
            "QUERY_STRING": url.query,
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "443",
            "HTTP_HOST": "testserver",
            "HTTP_COOKIE": self.cookie,
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
        }
        status = []
        body = b"".join(self.handler(environ, lambda s, headers, exc_info=None: status.append(int(s[:3]))))
        return status[0], body

    def page(self, kind: str, path: str) -> None:
        self._follow(kind, self.get(path)[1])

    def poll(self, kind: str) -> int:
        status, body = self.get(self.polls[kind], htmx=True)
        if status == 200:
            self._follow(kind, body)
        return status

    def _follow(self, kind: str, body: bytes) -> None:
        found = POLL_PATTERNS[kind].search(body.decode())
        if found:
            self.polls[kind] = html.unescape(found.group(1))


def cpu_ms(call, n: int, before=None) -> tuple[float, float, float, int]:
    """Median and mean CPU milliseconds of `call`, `before` (not timed) run ahead of each; its median
    wall milliseconds (the database's round trips too) and the queries of its last call."""
    for _ in range(max(n // 10, 2)):  # warm: templates loaded, connections open
        if before:
            before()
        call()
    times, walls = [], []
    for _ in range(n):
        if before:
            before()
        start, wall = time.process_time(), time.perf_counter()
        call()
        times.append((time.process_time() - start) * 1000)
        walls.append((time.perf_counter() - wall) * 1000)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        call()
    times.sort()
    return times[n // 2], sum(times) / n, statistics.median(walls), len(queries)


def profile(label: str, call, before, n: int) -> None:
    """Where one request's CPU goes: cProfile over n calls, the 35 heaviest functions by own time and by total."""
    cpu_ms(call, 4, before)
    profiler = cProfile.Profile(time.process_time)
    for _ in range(n):
        if before:
            before()
        profiler.runcall(call)
    print(f"{label}, {n} calls (the profile kept in {PROFILE_FILE}, for pstats)")
    profiler.dump_stats(PROFILE_FILE)
    stats = pstats.Stats(profiler).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(35)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", metavar="LABEL", help="profile the request whose label starts with LABEL instead")
    args = parser.parse_args()
    settings.STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    settings.ROOT_URLCONF = "bench.urls"
    Browser.handler = WSGIHandler()
    with throwaway_database("poll_cpu"):
        # The test environment instruments every template render (for assertions): not in production.
        Template._render = test_utils._TestState.saved_data.template_render
        from crisis import services
        from crisis.permissions import get_crisis_for_user

        crisis, users = seed_cell(4, args.entries, max(args.entries // 20, 5))
        writer, reader, other = users[2], Browser(users[1]), Browser(users[3])
        for browser in (reader, other):
            browser.page("journal", f"/crises/{crisis.pk}/main-courante/")
            browser.page("dashboard", f"/crises/{crisis.pk}/")

        def append():
            services.journal_append(crisis=crisis, by=writer, text="Le standard rappelle les services.")

        def append_seen_by_other(kind):
            """An entry, and another member (another role) polling first from where the reader is."""

            def before():
                append()
                other.polls[kind] = reader.polls[kind]
                other.poll(kind)

            return before

        def change_rida():
            services.rida_update(line=lines[len(lines) // 2], by=writer, status=next(statuses))

        def change_shown_rida():
            services.rida_update(line=shown, by=writer, status=next(shown_statuses))

        lines = list(crisis.rida_lines.order_by("pk")[:50])  # the oldest: off the first page (of 500), no row sent
        shown = crisis.rida_lines.filter(kind="action").order_by("-seq")[0]  # on the first page: its row sent again
        statuses, shown_statuses = itertools.cycle(["en_cours", "a_faire"]), itertools.cycle(["en_cours", "a_faire"])
        reader.page("rida", f"/crises/{crisis.pk}/rida/")
        cases = [
            ("bare view (middleware only)", lambda: reader.get("/bench/bare/"), None),
            ("bare view, logged in", lambda: reader.get("/bench/bare-authenticated/"), None),
            ("crisis access helper", lambda: get_crisis_for_user(users[1], crisis.pk), None),
            ("journal poll, nothing new (204)", lambda: reader.poll("journal"), None),
            ("journal poll, one new entry", lambda: reader.poll("journal"), append),
            (
                "journal poll, answer rendered for another",
                lambda: reader.poll("journal"),
                append_seen_by_other("journal"),
            ),
            ("dashboard poll, nothing new (204)", lambda: reader.poll("dashboard"), None),
            ("dashboard poll, one new entry", lambda: reader.poll("dashboard"), append),
            (
                "dashboard poll, cards rendered for another",
                lambda: reader.poll("dashboard"),
                append_seen_by_other("dashboard"),
            ),
            ("dashboard poll, one RIDA change", lambda: reader.poll("dashboard"), change_rida),
            ("RIDA poll, one line changed", lambda: reader.poll("rida"), change_rida),
            ("RIDA poll, nothing new (204)", lambda: reader.poll("rida"), None),
            ("RIDA poll, a shown line changed", lambda: reader.poll("rida"), change_shown_rida),
            ("journal page", lambda: reader.get(f"/crises/{crisis.pk}/main-courante/"), None),
            ("dashboard page", lambda: reader.get(f"/crises/{crisis.pk}/"), None),
            ("RIDA page", lambda: reader.get(f"/crises/{crisis.pk}/rida/"), None),
        ]
        if args.profile:
            label, call, before = next(case for case in cases if case[0].startswith(args.profile))
            profile(label, call, before, args.calls)
            return
        rows = [(label, cpu_ms(call, args.calls, before)) for label, call, before in cases]
        n = args.calls
    print(f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, {args.entries} entries, {n} calls each")
    print(f"  {'request':42} {'CPU p50 ms':>10} {'mean ms':>8} {'wall p50':>8} {'queries':>7}")
    for label, (p50, mean, wall, queries) in rows:
        print(f"  {label:42} {p50:10.2f} {mean:8.2f} {wall:8.2f} {queries:7}")


if __name__ == "__main__":
    main()

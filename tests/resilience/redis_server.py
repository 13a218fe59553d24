"""A redis-server of a test's own, on a free port, that the test may kill and start again.

Never the shared Redis on 6379: other people's tests and workers use it.
"""

import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest
import redis

from tests.integration.conftest import free_port


class PrivateRedis:
    def __init__(self, folder: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is needed for the fault tests (apt-get install redis-server)")
        self.binary, self.folder, self.port = binary, folder, free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        """Started empty, as the production shape's Redis restarts (no persistence: docker-compose.yml)."""
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
            + ["--dir", str(self.folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 10
        while not self.answers():
            if time.monotonic() > deadline:
                raise AssertionError(f"private redis-server on port {self.port} does not answer")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: Redis dies as in a crash, its connections cut, nothing saved."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def answers(self) -> bool:
        try:
            return bool(redis.Redis.from_url(self.url, socket_connect_timeout=1).ping())
        except redis.RedisError:
            return False

"""PostgreSQL, a reused connection's health checked without a round trip to the server.

Django's CONN_HEALTH_CHECKS sends "SELECT 1" before the first query of every request that
reuses a persistent connection: one more round trip on each request, as long as a poll's own
query under load (docs/performance.md). But a connection the server has cut (a terminated
backend, a restart, an idle timeout, a failover) has already said so: the server's last
message, or the end of the stream, waits on its socket before the client sends anything,
while a healthy idle connection has nothing to read. So a connection is reused when its socket
has nothing waiting, and closed and opened again otherwise (tests/web/test_database_reconnect.py
cuts them under a running server). Something else waiting on an idle connection (a parameter
the server reports changed) costs a new connection, nothing worse. A network that silently
drops packets is not seen this way; SELECT 1 would wait out its timeout there too.
"""

import select

from django.db.backends.postgresql import base

# Anything to read, the peer gone, an error: the connection is not reused.
_NOT_IDLE = select.POLLIN | select.POLLPRI | select.POLLHUP | select.POLLERR | select.POLLNVAL


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        if self.connection is None or self.connection.closed:
            return False
        try:
            poller = select.poll()  # poll, not select: no limit on the descriptor's number
            poller.register(self.connection.fileno(), select.POLLIN | select.POLLPRI)
            return not any(events & _NOT_IDLE for _fd, events in poller.poll(0))
        except (OSError, ValueError):
            return False

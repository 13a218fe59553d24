"""The SMS gateway, behind one small interface: send a text, read the replies.

Two implementations, chosen by the COMMS_SMS_GATEWAY setting:

- ``gammu`` (default): Gammu's SMS daemon (Debian's ``gammu-smsd``) on a 4G USB modem, with its files
  backend. A message is handed over with ``gammu-smsd-inject`` (it lands in the daemon's outbox); the
  daemon sends it and files the replies in its inbox, which ``replies()`` reads. COMMS_SMS_DIR holds
  the daemon's configuration (``smsdrc``) and its folders; ``ensure_spool()`` writes a configuration on
  Gammu's *dummy* driver (a phone emulated in files) so that the whole path runs on a machine without a
  modem: tests and the demo use it.
- ``http``: an HTTP SMS provider, a JSON POST to COMMS_SMS_HTTP_URL (replies come back by its webhook,
  not handled here).

A gateway that cannot take a message raises ``GatewayDown``: the message stays queued in the database
(comms.models.Sms) and the sending task retries.
"""

import json
import re
import shutil
import subprocess
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

INJECT_TIMEOUT = 10  # s: gammu-smsd-inject only writes a file


class GatewayDown(Exception):
    """The gateway cannot take the message now; it stays queued."""


@dataclass(frozen=True)
class Reply:
    number: str
    text: str
    ref: str  # the file (gammu) that carried it: done() files it away


def spool_dir() -> Path:
    return Path(getattr(settings, "COMMS_SMS_DIR", "") or Path(settings.VAR_DIR) / "sms")


def backend() -> str:
    return getattr(settings, "COMMS_SMS_GATEWAY", "") or "gammu"


def msisdn(number: str) -> str:
    """A French number as the network writes it: "06 12 34 56 78" and "0033 6..." become "+33612345678"."""
    digits = re.sub(r"[^\d+]", "", number or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    elif digits.startswith("0") and len(digits) == 10:
        digits = "+33" + digits[1:]
    return digits


def is_mobile(number: str) -> bool:
    n = msisdn(number)
    return bool(re.fullmatch(r"\+33[67]\d{8}", n)) or (n.startswith("+") and not n.startswith("+33") and len(n) > 8)


# --- Gammu -------------------------------------------------------------------

SMSDRC = """[gammu]
device = {root}/dummy
model = dummy
connection = none

[smsd]
service = files
inboxpath = {root}/inbox/
outboxpath = {root}/outbox/
sentsmspath = {root}/sent/
errorsmspath = {root}/error/
inboxformat = unicode
outboxformat = unicode
transmitformat = auto
logfile = {root}/smsd.log
loopsleep = 1
commtimeout = 1
receivefrequency = 1
statusfrequency = 0
checksecurity = 0
checkbattery = 0
checksignal = 0
phoneid = console
"""

FOLDERS = ("inbox", "outbox", "sent", "error", "done", "dummy")


def config_path() -> Path:
    return spool_dir() / "smsdrc"


def ensure_spool(root: Path | None = None) -> Path:
    """The daemon's folders and, if none is there, a configuration on Gammu's dummy driver. A real
    modem: replace smsdrc's [gammu] section (device = /dev/ttyUSB0, connection = at)."""
    root = Path(root or spool_dir())
    for name in FOLDERS:
        (root / name).mkdir(parents=True, exist_ok=True)
    for folder in range(1, 6):
        (root / "dummy" / "sms" / str(folder)).mkdir(parents=True, exist_ok=True)
    config = root / "smsdrc"
    if not config.exists():
        config.write_text(SMSDRC.format(root=root))
    return config


def _gammu_send(number: str, text: str) -> str:
    config = config_path()
    inject = shutil.which("gammu-smsd-inject")
    if inject is None:
        raise GatewayDown("gammu-smsd-inject introuvable (paquet Debian gammu-smsd)")
    if not config.exists() or not (spool_dir() / "outbox").is_dir():
        raise GatewayDown(f"passerelle non configurée ({config})")
    try:
        done = subprocess.run(
            [inject, "-c", str(config), "TEXT", msisdn(number), "-unicode", "-len", str(len(text)), "-text", text],
            capture_output=True,
            text=True,
            timeout=INJECT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GatewayDown(str(exc)) from exc
    found = re.search(r"Written message with ID (\S+)", done.stdout)
    if done.returncode != 0 or found is None:
        raise GatewayDown((done.stderr or done.stdout).strip()[-300:] or f"code {done.returncode}")
    return Path(found.group(1)).name


def _read(path: Path) -> str:
    raw = path.read_bytes()
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("utf-16-le", errors="replace")


def _gammu_replies() -> list[Reply]:
    inbox = spool_dir() / "inbox"
    replies = []
    for path in sorted(inbox.glob("IN*.txt")) if inbox.is_dir() else []:
        # IN<date>_<time>_<serial>_<number>_<part>.txt
        parts = path.stem.split("_")
        if len(parts) >= 5:
            replies.append(Reply(number=parts[3], text=_read(path).strip(), ref=path.name))
    return replies


def _gammu_done(reply: Reply) -> None:
    source = spool_dir() / "inbox" / reply.ref
    if source.exists():
        source.replace(spool_dir() / "done" / reply.ref)


# --- HTTP provider ----------------------------------------------------------


def _http_send(number: str, text: str) -> str:
    url = getattr(settings, "COMMS_SMS_HTTP_URL", "")
    if not url:
        raise GatewayDown("COMMS_SMS_HTTP_URL n'est pas réglé")
    body = json.dumps({"to": msisdn(number), "text": text}).encode()
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=INJECT_TIMEOUT) as response:  # noqa: S310 (the setting's URL)
            return str(json.loads(response.read() or b"{}").get("id", ""))
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise GatewayDown(str(exc)) from exc


# --- the interface ----------------------------------------------------------


def send(number: str, text: str) -> str:
    """Hand one text over to the gateway; its reference. GatewayDown if it cannot take it now."""
    return _http_send(number, text) if backend() == "http" else _gammu_send(number, text)


def replies() -> list[Reply]:
    """Replies received and not yet recorded, oldest first."""
    return [] if backend() == "http" else _gammu_replies()


def done(reply: Reply) -> None:
    """A reply recorded: filed away, never read twice."""
    if backend() != "http":
        _gammu_done(reply)


def status() -> dict:
    """What the page says about the gateway: its kind, whether it is ready, messages waiting in its outbox."""
    if backend() == "http":
        ready = bool(getattr(settings, "COMMS_SMS_HTTP_URL", ""))
        return {"backend": "http", "ready": ready, "outbox": 0}
    outbox = spool_dir() / "outbox"
    ready = config_path().exists() and outbox.is_dir() and shutil.which("gammu-smsd-inject") is not None
    return {"backend": "gammu", "ready": ready, "outbox": len(list(outbox.glob("OUT*"))) if outbox.is_dir() else 0}

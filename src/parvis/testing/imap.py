"""A real IMAP server for tests: Debian's ``dovecot-imapd`` in the foreground, on a free
local port, with a maildir under a temporary folder.

    def test_poll(dovecot):
        dovecot.append(raw_bytes)
        dovecot.set_uidvalidity(424242)   # doveadm mailbox update --uid-validity

Tests using it skip (with the reason) only when the ``dovecot`` binary is absent; ``.ci/run``
installs it. As root, dovecot refuses to run its login process as root and to give a
mailbox to uid 0: it logs in as ``dovenull``, serves the mail as the ``dovecot`` user, and
needs ``first_valid_uid = 0`` for its own checks (TRAPS).
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

USER = "citoyen"
PASSWORD = "secret-de-test"  # noqa: S105 (a throwaway test server)


def _binary(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise FileNotFoundError(name)
    return path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Dovecot:
    def __init__(self, root: Path, port: int) -> None:
        self.root = root
        self.port = port
        self.config = root / "dovecot.conf"
        self.process: subprocess.Popen[bytes] | None = None

    def write_config(self) -> None:
        if os.geteuid() == 0:
            login_user, internal_user = "dovenull", "dovecot"
            mail_user = pwd.getpwnam("dovecot")
        else:
            login_user = internal_user = pwd.getpwuid(os.getuid()).pw_name
            mail_user = pwd.getpwuid(os.getuid())
        home = self.root / "home"
        (self.root / "run" / "state").mkdir(parents=True)
        home.mkdir()
        os.chmod(self.root, 0o755)  # noqa: S103 (the mail user reads its home below)
        if os.geteuid() == 0:
            os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
        self.config.write_text(
            f"""
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
base_dir = {self.root}/run
state_dir = {self.root}/run/state
log_path = {self.root}/dovecot.log
first_valid_uid = 0
default_login_user = {login_user}
default_internal_user = {internal_user}
mail_location = maildir:{home}/%u/Maildir
passdb {{
  driver = static
  args = password={PASSWORD}
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={home}/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""
        )

    def start(self) -> None:
        self.write_config()
        self.process = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [_binary("dovecot"), "-F", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                client = self.client()
            except OSError:
                time.sleep(0.1)
                continue
            client.logout()
            return
        self.stop()
        log = self.root / "dovecot.log"
        raise RuntimeError(
            "dovecot did not start: " + (log.read_text()[-2000:] if log.exists() else "")
        )

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None

    def client(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(USER, PASSWORD)
        return client

    def append(self, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client()
        try:
            answer: Any = client.append(folder, "", "", raw)  # typeshed says str
            assert answer[0] == "OK", answer
        finally:
            client.logout()

    def set_uidvalidity(self, value: int, folder: str = "INBOX") -> None:
        subprocess.run(  # noqa: S603 (fixed arguments)
            [
                _binary("doveadm"),
                "-c",
                str(self.config),
                "mailbox",
                "update",
                "-u",
                USER,
                "--uid-validity",
                str(value),
                folder,
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )

    def flags(self, uid: int, folder: str = "INBOX") -> bytes:
        client = self.client()
        try:
            client.select(folder, readonly=True)
            _, data = client.uid("FETCH", str(uid), "(FLAGS)")
            return b" ".join(item for item in data if isinstance(item, bytes))
        finally:
            client.logout()


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if shutil.which("dovecot") is None or shutil.which("doveadm") is None:
        pytest.skip("dovecot-imapd is not installed (apt-get install dovecot-imapd)")
    # A short path: dovecot's unix sockets live under base_dir (108-byte limit).
    root = Path(tempfile.mkdtemp(prefix="parvis-imap-", dir="/tmp"))
    server = Dovecot(root, _free_port())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)

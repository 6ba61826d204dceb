"""Virus scanners: the EICAR test scanner, and the clamd adapter against a stub clamd
speaking INSTREAM over TCP and a Unix socket (virus signatures cannot be downloaded
here; the stub flags the EICAR string as clamd does)."""

from __future__ import annotations

import socketserver
import struct
import threading
from collections.abc import Iterator

import pytest

from parvis.contacts import scanning
from parvis.contacts.scanning import ClamdScanner, ScannerUnavailable


class _Clamd(socketserver.BaseRequestHandler):
    """A clamd that answers INSTREAM, flags EICAR, and errors on anything else."""

    received: list[bytes] = []

    def _exact(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.request.recv(size - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def handle(self) -> None:
        command = b""
        while not command.endswith(b"\0"):
            command += self.request.recv(1)
        if command != b"zINSTREAM\0":
            self.request.sendall(b"UNKNOWN COMMAND\0")
            return
        content = b""
        while True:
            (size,) = struct.unpack("!L", self._exact(4))
            if size == 0:
                break
            content += self._exact(size)
        type(self).received.append(content)
        if scanning.EICAR in content:
            self.request.sendall(b"stream: Win.Test.EICAR_HDB-1 FOUND\0")
        elif content == b"trop gros":
            self.request.sendall(b"INSTREAM size limit exceeded. ERROR\0")
        else:
            self.request.sendall(b"stream: OK\0")


class _TCP(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class _Unix(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


def _serve(server: socketserver.BaseServer) -> Iterator[socketserver.BaseServer]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tcp_clamd() -> Iterator[str]:
    _Clamd.received = []
    for server in _serve(_TCP(("127.0.0.1", 0), _Clamd)):
        yield f"tcp://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def unix_clamd(tmp_path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    path = tmp_path / "clamd.sock"
    _Clamd.received = []
    for _ in _serve(_Unix(str(path), _Clamd)):
        yield f"unix://{path}"


def test_clamd_over_tcp_streams_the_file_in_chunks(tcp_clamd):
    content = b"x" * (ClamdScanner.CHUNK * 2 + 10)
    assert ClamdScanner(tcp_clamd).scan(content) == scanning.CLEAN
    assert _Clamd.received == [content]


def test_clamd_over_a_unix_socket_names_what_it_found(unix_clamd):
    result = ClamdScanner(unix_clamd).scan(b"%PDF " + scanning.EICAR)
    assert result.infected and result.signature == "Win.Test.EICAR_HDB-1"


def test_an_empty_file_is_scanned_too(tcp_clamd):
    assert not ClamdScanner(tcp_clamd).scan(b"").infected


def test_clamd_errors_and_absences_are_unavailability_not_verdicts(tcp_clamd, tmp_path):
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(tcp_clamd).scan(b"trop gros")
    with pytest.raises(ScannerUnavailable):
        ClamdScanner(f"unix://{tmp_path}/absent.sock").scan(b"x")
    with pytest.raises(ScannerUnavailable):
        ClamdScanner("http://127.0.0.1:3310").scan(b"x")


def test_a_clamd_that_never_answers_times_out(tmp_path):
    import socket

    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(tmp_path / "mute.sock"))
    listener.listen(1)
    try:
        with pytest.raises(ScannerUnavailable):
            ClamdScanner(f"unix://{tmp_path}/mute.sock", timeout=0.2).scan(b"x")
    finally:
        listener.close()


def test_the_eicar_test_scanner_flags_the_test_string_only():
    scanner = scanning.EicarTestScanner()
    assert scanner.scan(b"prefix " + scanning.EICAR + b" suffix").infected
    assert not scanner.scan(b"X5O!P%@AP[4\\PZX54").infected


def test_the_configured_scanner_is_the_settings(settings, tcp_clamd):
    settings.CONTACTS_VIRUS_SCANNER = "parvis.contacts.scanning.ClamdScanner"
    settings.CONTACTS_CLAMD_ADDRESS = tcp_clamd
    assert isinstance(scanning.scanner(), ClamdScanner)
    assert scanning.scanner().scan(scanning.EICAR).infected
    settings.CONTACTS_VIRUS_SCANNER = "parvis.contacts.html.sanitise_html"
    with pytest.raises(TypeError):
        scanning.scanner()

"""Virus scanners of inbound attachments: a base class and the adapters.

``scanner()`` returns the one configured by ``settings.CONTACTS_VIRUS_SCANNER`` (a dotted
path): ``ClamdScanner`` speaks clamd's ``INSTREAM`` command over TCP or a Unix socket
(production); ``EicarTestScanner`` only knows the EICAR test string (development, tests,
since virus signatures cannot be downloaded there). A scanner that cannot answer raises
``ScannerUnavailable``: the message is then retried later (the ingestion sweep), never
let through unscanned nor refused for a fault that is not the citizen's.
"""

from __future__ import annotations

import socket
import struct
from abc import ABC, abstractmethod
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

# The EICAR anti-virus test file (https://www.eicar.org/download-anti-malware-testfile/),
# written in two halves so that this source file is not itself flagged.
EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


@dataclass(frozen=True)
class ScanResult:
    infected: bool
    signature: str = ""  # the scanner's name of what it found


CLEAN = ScanResult(infected=False)


class ScannerUnavailable(Exception):
    """The scanner could not give an answer (down, timed out, refused the stream)."""


class VirusScanner(ABC):
    @abstractmethod
    def scan(self, content: bytes) -> ScanResult:
        """Scan ``content``; raise ``ScannerUnavailable`` when no answer can be had."""


class EicarTestScanner(VirusScanner):
    """Flags the EICAR test string only: a stand-in that lets tests and the demo show
    what an infected file does."""

    def scan(self, content: bytes) -> ScanResult:
        if EICAR in content:
            return ScanResult(infected=True, signature="Eicar-Test-Signature")
        return CLEAN


class ClamdScanner(VirusScanner):
    """clamd's ``INSTREAM``: ``zINSTREAM\\0``, then chunks each prefixed by their length
    (4 bytes, big-endian), then a zero length; clamd answers ``stream: OK``,
    ``stream: <signature> FOUND`` or ``<reason> ERROR`` (NUL-terminated)."""

    CHUNK = 64 * 1024

    def __init__(self, address: str | None = None, *, timeout: float | None = None) -> None:
        self.address = address or settings.CONTACTS_CLAMD_ADDRESS
        self.timeout = settings.CONTACTS_CLAMD_TIMEOUT_SECONDS if timeout is None else timeout

    def _connect(self) -> socket.socket:
        parts = urlsplit(self.address)
        if parts.scheme == "unix":
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target: str | tuple[str, int] = parts.path
        elif parts.scheme == "tcp" and parts.hostname:
            sock = socket.socket(socket.AF_INET6 if ":" in parts.hostname else socket.AF_INET)
            target = (parts.hostname, parts.port or 3310)
        else:
            raise ScannerUnavailable("clamd address must be tcp://host:port or unix:///path")
        sock.settimeout(self.timeout)
        try:
            sock.connect(target)
        except OSError:
            sock.close()
            raise
        return sock

    def scan(self, content: bytes) -> ScanResult:
        try:
            with self._connect() as sock:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(content), self.CHUNK):
                    chunk = content[start : start + self.CHUNK]
                    sock.sendall(struct.pack("!L", len(chunk)) + chunk)
                sock.sendall(struct.pack("!L", 0))
                answer = b""
                while not answer.endswith(b"\0"):
                    received = sock.recv(4096)
                    if not received:
                        break
                    answer += received
        except OSError as error:
            raise ScannerUnavailable(type(error).__name__) from error
        return self._read(answer.rstrip(b"\0").decode("utf-8", "replace").strip())

    @staticmethod
    def _read(answer: str) -> ScanResult:
        _, _, verdict = answer.partition(": ")
        verdict = verdict or answer
        if verdict == "OK":
            return CLEAN
        if verdict.endswith(" FOUND"):
            return ScanResult(infected=True, signature=verdict.removesuffix(" FOUND")[:100])
        raise ScannerUnavailable("clamd answered an error")


def scanner() -> VirusScanner:
    scanner_class = import_string(settings.CONTACTS_VIRUS_SCANNER)
    instance = scanner_class()
    if not isinstance(instance, VirusScanner):
        raise TypeError("CONTACTS_VIRUS_SCANNER must name a contacts.scanning.VirusScanner")
    return instance

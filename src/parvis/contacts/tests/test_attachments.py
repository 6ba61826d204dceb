"""Attachments of inbound messages: limits, types sniffed from content, virus scan,
file names."""

from __future__ import annotations

import io
import zipfile

import pytest

from parvis.contacts import scanning
from parvis.contacts.inbound import InboundMessage, IncomingFile
from parvis.contacts.models import Attachment
from parvis.contacts.services import attachments_store, message_receive
from parvis.contacts.services.attachments import sanitise_filename, sniff
from parvis.contacts.tests.factories import InboundEndpointFactory, channel

pytestmark = pytest.mark.django_db
MIB = 1024 * 1024


def _zip(*members: tuple[str, str, int]) -> bytes:
    """A zip made the same in every process: its members carry a fixed date, since the
    bytes are parameters whose ids pytest-xdist's workers must collect identically."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content, method in members:
            member = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            archive.writestr(member, content, compress_type=method)
    return buffer.getvalue()


SAMPLES = {
    "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n",
    "jpg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64),
    "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64),
    "heic": b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(64),
    "odt": _zip(
        ("mimetype", "application/vnd.oasis.opendocument.text", zipfile.ZIP_STORED),
        ("content.xml", "<office:document-content/>", zipfile.ZIP_DEFLATED),
    ),
    "docx": _zip(
        ("[Content_Types].xml", "<Types/>", zipfile.ZIP_DEFLATED),
        ("_rels/.rels", "<Relationships/>", zipfile.ZIP_DEFLATED),
        ("word/document.xml", "<w:document/>", zipfile.ZIP_DEFLATED),
    ),
    "txt": "Attestation de la CAF, reçue le 3 mars.\n".encode(),
}


@pytest.fixture
def message(settings, tmp_path):  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path
    settings.CONTACTS_VIRUS_SCANNER = "parvis.contacts.scanning.EicarTestScanner"
    channel("courriel")
    return message_receive(
        endpoint=InboundEndpointFactory(),
        inbound=InboundMessage(channel="courriel", text="Voici mes pièces", external_id="<a@x>"),
    )


@pytest.mark.parametrize(("extension", "mime"), [
    ("pdf", "application/pdf"),
    ("jpg", "image/jpeg"),
    ("png", "image/png"),
    ("heic", "image/heic"),
    ("odt", "application/vnd.oasis.opendocument.text"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("txt", "text/plain"),
])  # fmt: skip
def test_each_allowed_type_is_stored_under_a_random_name(message, extension, mime):
    # the declared name and type lie: only the content counts
    (row,) = attachments_store(
        message=message,
        files=[IncomingFile("../../piece jointe.bin", SAMPLES[extension], "application/x-bad")],
    )
    assert row.status == Attachment.ScanStatus.CLEAN and row.content_type == mime
    assert row.filename == "piece jointe.bin"
    assert row.file.name.startswith("contacts/") and row.file.name.endswith(f".{extension}")
    assert "piece" not in row.file.name
    with row.file.open("rb") as stored:
        assert stored.read() == SAMPLES[extension]
    assert row.size == len(SAMPLES[extension]) and len(row.sha256) == 64


@pytest.mark.parametrize(
    "content",
    [
        b"MZ\x90\x00\x03" + bytes(60),  # a Windows executable
        _zip(("a.txt", "x", zipfile.ZIP_DEFLATED)),  # any other archive
        b"GIF89a" + bytes(20),  # an image type not on the list
        b"texte avec un \x00 NUL",
        "\u00e9t\u00e9".encode("latin-1"),  # not UTF-8
    ],
)
def test_other_types_are_refused_with_a_reason_and_never_stored(message, content, tmp_path):
    (row,) = attachments_store(message=message, files=[IncomingFile("document.pdf", content)])
    assert row.status == Attachment.ScanStatus.REFUSED
    assert row.refusal_reason.startswith("Refusé : type de fichier non accepté")
    assert not row.file
    assert not any(path.is_file() for path in tmp_path.rglob("*"))


def test_a_file_over_10_mib_is_refused(message):
    big = SAMPLES["pdf"] + b"0" * (10 * MIB)
    rows = attachments_store(
        message=message,
        files=[IncomingFile("gros.pdf", big), IncomingFile("petit.pdf", SAMPLES["pdf"])],
    )
    assert [r.status for r in rows] == ["refused", "clean"]
    assert rows[0].refusal_reason == "Refusé : le fichier dépasse 10 Mio."
    assert rows[0].size == len(big)


def test_a_message_keeps_25_mib_of_files_at_most(message):
    nine = SAMPLES["pdf"] + b"0" * (9 * MIB)
    rows = attachments_store(
        message=message,
        files=[IncomingFile(f"{n}.pdf", nine) for n in range(3)]
        + [IncomingFile("petit.txt", SAMPLES["txt"])],
    )
    assert [r.status for r in rows] == ["clean", "clean", "refused", "clean"]
    assert rows[2].refusal_reason == "Refusé : les pièces jointes du message dépassent 25 Mio."


def test_a_message_keeps_10_files_at_most(message):
    rows = attachments_store(
        message=message, files=[IncomingFile(f"{n}.txt", SAMPLES["txt"]) for n in range(12)]
    )
    assert [r.status for r in rows].count("clean") == 10
    assert rows[10].refusal_reason == "Refusé : plus de 10 pièces jointes dans le message."
    assert message.attachments.count() == 12


def test_an_empty_file_is_refused(message):
    (row,) = attachments_store(message=message, files=[IncomingFile("vide.txt", b"")])
    assert row.refusal_reason == "Refusé : fichier vide."


def test_an_infected_file_is_refused_and_never_stored(message, tmp_path):
    infected = b"%PDF-1.4\n" + scanning.EICAR + b"\n"
    (row,) = attachments_store(message=message, files=[IncomingFile("facture.pdf", infected)])
    assert row.status == Attachment.ScanStatus.INFECTED
    assert row.refusal_reason == "Refusé : fichier infecté (Eicar-Test-Signature)."
    assert not row.file and not any(path.is_file() for path in tmp_path.rglob("*"))


def test_files_the_connector_could_not_read_are_listed_as_refused(message):
    (row,) = attachments_store(
        message=message, files=[], refused=[("scan\x00.pdf", "Refusé : pièce jointe illisible.")]
    )
    assert (row.filename, row.status) == ("scan.pdf", "refused")


def test_a_scanner_that_cannot_answer_fails_the_message_for_a_later_retry(message, settings):
    settings.CONTACTS_VIRUS_SCANNER = "parvis.contacts.scanning.ClamdScanner"
    settings.CONTACTS_CLAMD_ADDRESS = "unix:///nonexistent/clamd.sock"
    with pytest.raises(scanning.ScannerUnavailable):
        attachments_store(message=message, files=[IncomingFile("a.txt", SAMPLES["txt"])])


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\Marie\\Relevé d’impôt.pdf", "Relevé d’impôt.pdf"),
        ("Releve\u0301.pdf", "Relevé.pdf"),  # decomposed accent: NFC
        ("facture\u202efdp.exe", "facturefdp.exe"),  # right-to-left override removed
        ("a\x00b\x1fc\x7fd.txt", "abcd.txt"),
        ("  ..  .cache  ", "cache"),
        ("notes  de\tfrais.txt", "notes de frais.txt"),
        ('que?stion<s>:"x"|*.txt', "que_stion_s___x___.txt"),
        ("", "piece-jointe"),
        ("/", "piece-jointe"),
        ("é" * 300 + ".pdf", "é" * 146 + ".pdf"),
        ("x" * 300, "x" * 150),
    ],
)
def test_filenames_are_sanitised(given, kept):
    assert sanitise_filename(given) == kept


def test_sniffing_reads_text_as_utf8_without_nul():
    assert sniff("Bonjour à tous".encode()).mime == "text/plain"
    assert sniff(b"\xff\xfe") is None

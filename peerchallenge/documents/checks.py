"""File-type and safety checks run on an uploaded self-assessment before any parser sees it.

Every refusal is a DocumentRejected whose message is one plain-English line for the person uploading.
"""

import io
import logging
import posixpath
import re
import struct
import unicodedata
import zipfile
import zlib
from typing import TYPE_CHECKING

# pypdf is imported where a PDF is read, not with the app.
if TYPE_CHECKING:
    from pypdf import PdfReader

logger = logging.getLogger(__name__)

ALLOWED_EXTENSIONS = {".docx": "docx", ".pdf": "pdf", ".md": "md", ".txt": "txt"}
EXPECTED_AS = {
    "docx": "a Word document (.docx)",
    "pdf": "a PDF",
    "md": "a text file",
    "txt": "a text file",
}

# Limits on a Word file's zip, all read from its central directory before anything is inflated.
DOCX_MAX_ENTRIES = 2000
DOCX_MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 100
DOCX_RATIO_APPLIES_ABOVE = 1024 * 1024
# mammoth parses each part with minidom: about a second and 45 MB per MB of document.xml. A 500-page
# document as Word writes it needs about 6 MB.
DOCX_MAX_XML_PART = 16 * 1024 * 1024
SCAN_CHUNK = 64 * 1024

PDF_MAX_PAGES = 500
MAX_FILENAME_CHARS = 255

REMOVE_PROTECTION_HELP = (
    "Remove the password in Word (File, Info, Protect Document), save it and upload it again."
)
RESAVE_HELP = "Open it in Word, save it as a Word Document (.docx) and upload it again."
DAMAGED_DOCX = f"The Word file is damaged and can't be read. {RESAVE_HELP}"
DAMAGED_PDF = "The PDF is damaged and can't be read. Save or download it again and upload the new copy."
UNSAFE_DOCX = f"The Word file contains parts Word never writes, so it can't be read safely. {RESAVE_HELP}"

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
FORBIDDEN_XML = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
LONGEST_FORBIDDEN = max(len(marker) for marker in FORBIDDEN_XML)
RELATIONSHIP = re.compile(rb"<(?:[\w.-]+:)?Relationship\b([^>]*)>")
RELATIONSHIP_ATTRIBUTE = re.compile(rb"""(Type|Target|TargetMode)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Relationship types whose targets no parser reads (an SVG picture may well have a DOCTYPE).
MEDIA_RELATIONSHIP = re.compile(rb"/(image|video|audio|media)$")


class DocumentRejected(Exception):
    """An upload refused before or during extraction; .message says why, in plain English."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def safe_filename(name: str) -> str:
    """A display-safe file name: no path, no control characters, at most 255 characters, extension kept."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    # Cc: control characters; Cf: format characters such as the right-to-left override used to disguise
    # an extension; Zl/Zp: line and paragraph separators.
    name = "".join(" " if unicodedata.category(char) in ("Cc", "Zl", "Zp") else char for char in name)
    name = "".join(char for char in name if unicodedata.category(char) != "Cf")
    name = " ".join(name.split()).strip(". ")
    if not name:
        return "document"
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or len(extension) > 16 or " " in extension:
        return name[:MAX_FILENAME_CHARS].rstrip()
    extension = "." + extension
    return stem[: MAX_FILENAME_CHARS - len(extension)].rstrip() + extension


def document_kind(filename: str) -> str:
    """The kind of document a file name promises ("docx", "pdf", "md" or "txt"); refuses any other ending."""
    name = safe_filename(filename).lower()
    extension = "." + name.rpartition(".")[2] if "." in name else ""
    if extension in ALLOWED_EXTENSIONS:
        return ALLOWED_EXTENSIONS[extension]
    if extension in (".doc", ".dot", ".wps"):
        raise DocumentRejected(
            "Older Word files (.doc) can't be read. Open it in Word, save it as a Word Document (.docx) "
            "and upload that."
        )
    if extension in (".docm", ".dotm"):
        raise DocumentRejected(
            "Macro-enabled Word files (.docm) are not accepted. Save it in Word as a Word Document (.docx), "
            "which removes the macros, and upload that."
        )
    if extension in (".dotx", ".rtf", ".odt", ".pages"):
        raise DocumentRejected(
            f"{extension} files can't be read. Save it as a Word Document (.docx) or a PDF and upload that."
        )
    if not extension:
        raise DocumentRejected(
            "The file name has no ending. Upload a Word document (.docx), a PDF, or a .md or .txt file."
        )
    raise DocumentRejected(
        f"{extension} files can't be read. Upload a Word document (.docx), a PDF, or a .md or .txt file."
    )


def check_upload(filename: str, data: bytes, *, max_bytes: int) -> str:
    """Run every check that needs no parser; returns the document kind or raises DocumentRejected."""
    kind = document_kind(filename)
    if not data:
        raise DocumentRejected("The file is empty.")
    if len(data) > max_bytes:
        raise DocumentRejected(
            f"The file is {format_size(len(data))}; "
            f"the largest file you can upload is {format_size(max_bytes)}."
        )
    looks_like = describe_bytes(data)
    if kind == "docx":
        check_docx(data, looks_like)
    elif kind == "pdf":
        check_pdf_bytes(data, looks_like)
    else:
        check_text_bytes(data, looks_like)
    return kind


def format_size(size: int) -> str:
    """A byte count as people say it: "850 KB", "20 MB", "25.3 MB"."""
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"


def describe_bytes(data: bytes) -> str | None:
    """What a file's first bytes say it is, in words ("a PNG image"), or None when they say nothing."""
    head = data[:16]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "a PNG image"
    if head.startswith(b"\xff\xd8\xff"):
        return "a JPEG image"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "a GIF image"
    if head.startswith((b"II*\x00", b"MM\x00*")):
        return "a TIFF image"
    if head.startswith(b"BM") and len(data) > 26 and data[6:10] == b"\x00\x00\x00\x00":
        return "a BMP image"
    if head.startswith(b"%PDF-"):
        return "a PDF"
    if head.startswith(b"{\\rtf"):
        return "a Rich Text Format (.rtf) file"
    if head.startswith(OLE2_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            return "a password-protected Word document"
        return "an older Office file (such as a Word 97-2003 .doc)"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return describe_zip(data)
    return None


def describe_zip(data: bytes) -> str:
    """Which kind of zip-based file this is, judged from the names in its central directory."""
    try:
        if declared_zip_entries(data) > DOCX_MAX_ENTRIES:
            return "a ZIP archive"
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = {info.filename for info in archive.infolist()}
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error):
        return "a damaged ZIP archive"
    if "word/document.xml" in names:
        return "a Word document (.docx)"
    if "xl/workbook.xml" in names:
        return "an Excel workbook"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    if "mimetype" in names and "content.xml" in names:
        return "an OpenDocument file"
    return "a ZIP archive"


def declared_zip_entries(data: bytes) -> int:
    """The entry count a zip's end record declares, read before zipfile builds one object per entry."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 22 > len(data):
        raise zipfile.BadZipFile("no end of central directory record")
    count: int = struct.unpack_from("<H", data, end + 10)[0]
    if count != 0xFFFF:
        return count
    locator = end - 20
    if locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
        return count
    zip64_end: int = struct.unpack_from("<Q", data, locator + 8)[0]
    if zip64_end + 40 > len(data) or data[zip64_end : zip64_end + 4] != b"PK\x06\x06":
        raise zipfile.BadZipFile("damaged zip64 end record")
    zip64_count: int = struct.unpack_from("<Q", data, zip64_end + 32)[0]
    return zip64_count


def wrong_type(looks_like: str, kind: str) -> DocumentRejected:
    return DocumentRejected(f"The file is {looks_like}, not {EXPECTED_AS[kind]}.")


def check_docx(data: bytes, looks_like: str | None) -> None:
    """Refuse a .docx that is not a Word zip, or whose zip could exhaust memory or smuggle in entities."""
    if looks_like == "a password-protected Word document":
        raise DocumentRejected(f"The file is a password-protected Word document. {REMOVE_PROTECTION_HELP}")
    if looks_like is not None and looks_like.startswith("an older Office file"):
        raise DocumentRejected(
            "The file is an older Word file (.doc) or a password-protected Word document renamed to .docx. "
            "If it has a password, remove it; then save it in Word as a Word Document (.docx) "
            "and upload that."
        )
    if looks_like is None:
        raise DocumentRejected(
            f"The file is not a Word document, although its name ends in .docx. {RESAVE_HELP}"
        )
    if looks_like == "a damaged ZIP archive":
        raise DocumentRejected(DAMAGED_DOCX)
    if looks_like not in ("a Word document (.docx)", "a ZIP archive"):
        raise wrong_type(looks_like, "docx")
    try:
        if declared_zip_entries(data) > DOCX_MAX_ENTRIES:
            raise DocumentRejected(too_many_parts())
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError, struct.error) as error:
        raise DocumentRejected(DAMAGED_DOCX) from error
    with archive:
        infos = archive.infolist()
        check_zip_directory(infos)
        if "word/document.xml" not in {info.filename for info in infos}:
            raise wrong_type("a ZIP archive", "docx")
        scan_xml_parts(archive, infos)


def too_many_parts() -> str:
    return (
        f"The Word file has more than {DOCX_MAX_ENTRIES:,} internal parts, so it can't be read safely. "
        f"{RESAVE_HELP}"
    )


def check_zip_directory(infos: list[zipfile.ZipInfo]) -> None:
    """Refuse on what the central directory declares: entry count, sizes, ratios, encryption, macros."""
    if len(infos) > DOCX_MAX_ENTRIES:
        raise DocumentRejected(too_many_parts())
    if sum(info.file_size for info in infos) > DOCX_MAX_TOTAL_UNCOMPRESSED:
        raise DocumentRejected(
            f"The Word file unpacks to more than {format_size(DOCX_MAX_TOTAL_UNCOMPRESSED)}, "
            "so it can't be read safely. Remove large pictures or save it again in Word, "
            "then upload it again."
        )
    for info in infos:
        if info.flag_bits & 0x1:
            raise DocumentRejected(f"The Word file is encrypted. {REMOVE_PROTECTION_HELP}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > DOCX_RATIO_APPLIES_ABOVE and ratio > DOCX_MAX_RATIO:
            raise DocumentRejected(
                "The Word file contains a part that unpacks to far more than its size, as a 'zip bomb' does, "
                f"so it can't be read safely. {RESAVE_HELP}"
            )
        if info.filename.lower().rsplit("/", 1)[-1] == "vbaproject.bin":
            raise_macro_enabled()
        if info.filename.lower().endswith((".xml", ".rels")) and info.file_size > DOCX_MAX_XML_PART:
            raise DocumentRejected(
                "The Word file has too much content to read "
                f"(more than {format_size(DOCX_MAX_XML_PART)} of text and formatting). "
                "Upload a shorter version."
            )


def raise_macro_enabled() -> None:
    raise DocumentRejected(
        "The file is a macro-enabled Word document (.docm) renamed to .docx. Save it in Word as a Word "
        "Document (.docx), which removes the macros, and upload that."
    )


def scan_xml_parts(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Read in bounded chunks every part a parser may read; refuse DOCTYPE or ENTITY declarations and macros.

    Word never writes a DOCTYPE, and refusing one stops entity expansion ("billion laughs") before any parser.
    The parts scanned are every .xml and .rels part, and every part a relationship points to, whatever its
    name (mammoth finds the main document through _rels/.rels), except pictures and other media.
    """
    names = {info.filename for info in infos}
    scanned = set()
    relationships = []
    for info in infos:
        if info.filename.lower().endswith((".xml", ".rels")):
            content = scan_part(archive, info, keep=info.filename.lower().endswith(".rels"))
            scanned.add(info.filename)
            if content is not None:
                relationships.append((info.filename, content))
    for target in relationship_targets(relationships):
        if target in names and target not in scanned:
            scan_part(archive, archive.getinfo(target), keep=False)
            scanned.add(target)


def scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, keep: bool) -> bytes | None:
    """Read one part in chunks, refusing forbidden declarations; returns its bytes when keep is true."""
    is_content_types = info.filename == "[Content_Types].xml"
    kept = []
    try:
        with archive.open(info) as part:
            tail = b""
            while chunk := part.read(SCAN_CHUNK):
                window = tail + chunk
                if any(marker in window for marker in FORBIDDEN_XML):
                    raise DocumentRejected(UNSAFE_DOCX)
                if is_content_types and b"macroenabled" in window.lower():
                    raise_macro_enabled()
                tail = window[-LONGEST_FORBIDDEN:]
                if keep:
                    kept.append(chunk)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        NotImplementedError,
        OSError,
        EOFError,
    ) as error:
        # A bad CRC, an unsupported compression method or a stream that ends early.
        raise DocumentRejected(DAMAGED_DOCX) from error
    return b"".join(kept) if keep else None


def relationship_targets(relationships: list[tuple[str, bytes]]) -> set[str]:
    """The parts that .rels files point to, as zip names, leaving out external links and media."""
    targets = set()
    for rels_name, content in relationships:
        # word/_rels/document.xml.rels describes word/document.xml: its targets are relative to word/.
        base = posixpath.dirname(posixpath.dirname(rels_name))
        for element in RELATIONSHIP.finditer(content):
            attributes = {
                match.group(1): match.group(2) if match.group(2) is not None else match.group(3)
                for match in RELATIONSHIP_ATTRIBUTE.finditer(element.group(1))
            }
            target = attributes.get(b"Target")
            if not target or attributes.get(b"TargetMode", b"").lower() == b"external":
                continue
            if MEDIA_RELATIONSHIP.search(attributes.get(b"Type", b"")):
                continue
            path = target.decode("utf-8", "replace")
            path = path.lstrip("/") if path.startswith("/") else posixpath.join(base, path)
            targets.add(posixpath.normpath(path))
    return targets


def check_pdf_bytes(data: bytes, looks_like: str | None) -> None:
    """Refuse a .pdf that is something else, or whose end is missing (a truncated upload)."""
    # The PDF standard lets the header sit anywhere in the first 1024 bytes.
    if b"%PDF-" not in data[:1024]:
        if looks_like:
            raise wrong_type(looks_like, "pdf")
        raise DocumentRejected(
            "The file is not a PDF, although its name ends in .pdf. Save it as a PDF and upload it again."
        )
    if b"%%EOF" not in data[-2048:]:
        raise DocumentRejected(
            "The PDF is incomplete or damaged: its end is missing. "
            "Save or download it again and upload the new copy."
        )


def open_pdf(data: bytes) -> "PdfReader":
    """Open a checked PDF; refuse one that is password-protected, damaged, empty or too long."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted and not decrypts_without_password(reader):
            raise DocumentRejected(
                "The PDF is password-protected. Save a copy without the password, or upload the Word version."
            )
        page_count = len(reader.pages)
    except DocumentRejected:
        raise
    except Exception as error:  # pypdf raises many kinds of error on a malformed file
        logger.info("Refused a damaged PDF: %r", error)
        raise DocumentRejected(DAMAGED_PDF) from error
    if page_count == 0:
        raise DocumentRejected("The PDF has no pages. Save or download it again and upload the new copy.")
    if page_count > PDF_MAX_PAGES:
        raise DocumentRejected(
            f"The PDF has {page_count:,} pages; the most that can be read is {PDF_MAX_PAGES}. "
            "Upload a shorter version."
        )
    return reader


def decrypts_without_password(reader: "PdfReader") -> bool:
    """Whether an encrypted PDF opens with the empty password, as one that only restricts editing does."""
    from pypdf import PasswordType
    from pypdf.errors import DependencyError, PdfReadError

    try:
        return reader.decrypt("") != PasswordType.NOT_DECRYPTED
    except (DependencyError, PdfReadError, NotImplementedError, ValueError):
        return False


def check_text_bytes(data: bytes, looks_like: str | None) -> None:
    """Refuse a .md or .txt that is really a binary file."""
    if looks_like:
        raise wrong_type(looks_like, "txt")
    if not data.startswith((b"\xff\xfe", b"\xfe\xff")) and b"\x00" in data:
        raise DocumentRejected(
            "The file is not plain text (it contains binary data). Upload a .md or .txt file saved as text."
        )


def decode_text(data: bytes) -> str:
    """Text bytes as a string: UTF-8 (a BOM is fine), UTF-16 with a BOM, else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise DocumentRejected(
                "The text file's characters can't be read. Save it as UTF-8 text and upload it again."
            ) from error
    if b"\x00" in data:
        raise DocumentRejected(
            "The file is not plain text (it contains binary data). Upload a .md or .txt file saved as text."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DocumentRejected(
            "The text file's characters can't be read. Save it as UTF-8 text and upload it again."
        ) from error

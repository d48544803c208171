"""Test documents built in code: Word files, PDFs, text, hostile zips and hostile PDFs."""

import functools
import io
import itertools
import struct
import zipfile
import zlib
from dataclasses import dataclass

import docx
from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from peerchallenge.documents import count_words
from peerchallenge.documents.analysis import DEFAULT_SECTIONS

VOCABULARY_TEXT = (
    "children young people families practice quality audit evidence impact social workers managers partners "
    "outcomes improve plan review data voice feedback timely visits assessment support safety stability "
    "placements health education police schools leaders governance scrutiny learning supervision caseloads"
)
VOCABULARY = tuple(VOCABULARY_TEXT.split())


def words(count: int, seed: int = 0) -> str:
    """count deterministic words of plausible text, ending with a full stop."""
    if count <= 0:
        return ""
    chosen = [VOCABULARY[(seed * 7 + index * 13 + index // 5) % len(VOCABULARY)] for index in range(count)]
    chosen[0] = chosen[0].capitalize()
    return " ".join(chosen) + "."


# Word documents.


def save(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_bold_paragraph(document, text: str):
    paragraph = document.add_paragraph()
    paragraph.add_run(text).bold = True
    return paragraph


def add_hyperlink(paragraph, text: str, url: str) -> None:
    relationship = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    hyperlink = OxmlElement("w:hyperlink")
    hyperlink.set(qn("r:id"), relationship)
    run = OxmlElement("w:r")
    text_element = OxmlElement("w:t")
    text_element.text = text
    run.append(text_element)
    hyperlink.append(run)
    paragraph._p.append(hyperlink)


def add_table(document, rows: list[list[str]]) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    for row, values in zip(table.rows, rows, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value


@dataclass
class BuiltSection:
    title: str
    heading: str
    words: int  # words under the heading, sub-headings, lists and tables included


def self_assessment_docx(
    *,
    heading_style: str = "heading",
    numbering: str = "",
    skip: tuple[int, ...] = (),
    words_per_section: int = 120,
    extra_words: dict[int, int] | None = None,
) -> tuple[bytes, list[BuiltSection]]:
    """A self-assessment with the default sections: a title, an introduction, then each section with a
    sub-heading, paragraphs, a list, and in section 3 a table and a hyperlink.

    heading_style "heading" uses Word's Heading 1 (sub-headings Heading 2); "bold" uses bold paragraphs
    (sub-headings bold too). numbering is a format such as "{n}. " or "Section {n}: " put before titles.
    """
    document = docx.Document()
    document.add_heading("Anyshire children's services self-assessment 2025", level=0)
    document.add_paragraph(words(25, seed=99))
    built = []
    for index, section in enumerate(DEFAULT_SECTIONS):
        if index in skip:
            continue
        heading = numbering.format(n=index + 1) + section.title
        if heading_style == "heading":
            document.add_heading(heading, level=1)
        else:
            add_bold_paragraph(document, heading)
        body_words = words_per_section + (extra_words or {}).get(index, 0)
        first = body_words // 2
        document.add_paragraph(words(first, seed=index))
        if heading_style == "heading":
            document.add_heading("What we know", level=2)
        else:
            add_bold_paragraph(document, "What we know")
        document.add_paragraph(words(body_words - first, seed=index + 50))
        document.add_paragraph(words(4, seed=1), style="List Bullet")
        document.add_paragraph(words(5, seed=2), style="List Number")
        counted = body_words + 3 + 4 + 5
        if index == 3:
            add_table(document, [["Measure", "2024", "2025"], ["Re-referrals", "21%", "18%"]])
            paragraph = document.add_paragraph("Read the ")
            add_hyperlink(paragraph, "partnership report", "https://example.org/report")
            paragraph.add_run(" for more.")
            counted += 6 + 6
        built.append(BuiltSection(section.title, heading, counted))
    return save(document), built


def docx_with_picture(alt_text: str = "") -> bytes:
    document = docx.Document()
    document.add_heading("Early help", level=1)
    document.add_paragraph("Before the chart.")
    document.add_picture(io.BytesIO(png_bytes(64, 64)))
    if alt_text:
        doc_pr = document.inline_shapes[0]._inline.docPr
        doc_pr.set("descr", alt_text)
    document.add_paragraph("After the chart.")
    paragraph = document.add_paragraph("Line one")
    paragraph.add_run().add_break(WD_BREAK.LINE)
    paragraph.add_run("line two")
    return save(document)


def minimal_docx(paragraphs: tuple[str, ...] = ("Hello.",)) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    return save(document)


def rezip(
    data: bytes, *, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None
) -> bytes:
    """A copy of a zip with some parts replaced or added."""
    replace = replace or {}
    output = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return output.getvalue()


def read_part(data: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read(name)


def macro_enabled_docx(*, vba_project: bool = True, content_type: bool = True) -> bytes:
    """A .docm's parts, as a renamed macro-enabled Word file has them."""
    data = minimal_docx()
    content_types = read_part(data, "[Content_Types].xml")
    if content_type:
        content_types = content_types.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )
    add = {"word/vbaProject.bin": OLE2_HEADER + bytes(504)} if vba_project else {}
    return rezip(data, replace={"[Content_Types].xml": content_types}, add=add)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
"""


def billion_laughs_docx() -> bytes:
    return rezip(minimal_docx(), replace={"word/document.xml": BILLION_LAUGHS})


def malformed_xml_docx() -> bytes:
    broken = b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Unclosed'
    return rezip(minimal_docx(), replace={"word/document.xml": broken})


# Hand-written zips, for what zipfile will not write: shared data, sizes that lie, encryption flags.


@dataclass
class RawEntry:
    name: str
    stored: bytes  # the bytes as they sit in the zip (deflated unless method is 0)
    crc: int
    size: int  # the uncompressed size the zip declares
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0
    same_data_as: str | None = None  # point the central directory at another entry's local header


def raw_zip(entries: list[RawEntry]) -> bytes:
    output = bytearray()
    offsets: dict[str, int] = {}
    for entry in entries:
        if entry.same_data_as:
            continue
        offsets[entry.name] = len(output)
        name = entry.name.encode()
        output += struct.pack(
            "<4sHHHHHIIIHH", b"PK\x03\x04", 20, entry.flags, entry.method, 0, 0x21, entry.crc,
            len(entry.stored), min(entry.size, 0xFFFFFFFF), len(name), 0,
        )  # fmt: skip
        output += name + entry.stored
    directory_offset = len(output)
    for entry in entries:
        name = entry.name.encode()
        stored_length = len(next(e for e in entries if e.name == (entry.same_data_as or entry.name)).stored)
        output += struct.pack(
            "<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, entry.flags, entry.method, 0, 0x21, entry.crc,
            stored_length, min(entry.size, 0xFFFFFFFF), len(name), 0, 0, 0, 0, 0,
            offsets[entry.same_data_as or entry.name],
        )  # fmt: skip
        output += name
    directory_size = len(output) - directory_offset
    output += struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(entries), len(entries), directory_size,
                          directory_offset, 0)  # fmt: skip
    return bytes(output)


def entries_of(data: bytes) -> list[RawEntry]:
    """A real zip's entries as RawEntry values, deflated again."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
            stored = compressor.compress(content) + compressor.flush()
            entries.append(RawEntry(info.filename, stored, zlib.crc32(content), len(content)))
    return entries


@functools.cache
def deflated_zeros(gibibytes: int = 1) -> tuple[bytes, int, int]:
    """A deflate stream of that many GiB of zeros (about 1 MB per GiB), its CRC and its size.

    Built from one 16 MiB block repeated: after a full flush the compressor writes the same bytes again.
    """
    chunk = bytes(16 * 1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeats = 64 * gibibytes
    crc = 0
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    return block * repeats + compressor.flush(), crc, len(chunk) * repeats


def zip_bomb_docx(copies: int = 4) -> bytes:
    """A real Word file whose document.xml, plus copies more entries sharing its data, each inflate to 1 GiB.

    About 1 MB on disk; the central directory declares copies + 1 GiB.
    """
    stream, crc, size = deflated_zeros()
    entries = [entry for entry in entries_of(minimal_docx()) if entry.name != "word/document.xml"]
    entries.append(RawEntry("word/document.xml", stream, crc, size))
    entries.extend(
        RawEntry(f"word/media/image{number}.png", b"", crc, size, same_data_as="word/document.xml")
        for number in range(copies)
    )
    return raw_zip(entries)


def deflated(content: bytes) -> RawEntry:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return RawEntry("", compressor.compress(content) + compressor.flush(), zlib.crc32(content), len(content))


def docx_with_extra_entries(entries: list[RawEntry]) -> bytes:
    return raw_zip(entries_of(minimal_docx()) + entries)


def docx_with_many_entries(count: int) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(minimal_docx())) as source, zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info.filename))
        for number in range(count):
            target.writestr(f"extra/item{number}.xml", b"<a/>")
    return output.getvalue()


# Other kinds of file.

OLE2_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def png_bytes(width: int = 1, height: int = 1) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(b"\x00" + b"\xff\x80\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def encrypted_office_file() -> bytes:
    """The start of what Word writes for a password-protected .docx: an OLE2 file with an EncryptedPackage."""
    return OLE2_HEADER + bytes(500) + "EncryptedPackage".encode("utf-16-le") + bytes(1000)


def pdf_bytes(pages: list[list[tuple[str, str]]]) -> bytes:
    """A PDF whose pages hold blocks: ("heading", text), ("paragraph", text), ("bullet", text)."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for blocks in pages:
        y = A4[1] - 72
        for kind, text in blocks:
            if kind == "heading":
                pdf.setFont("Helvetica-Bold", 14)
                y -= 10
                pdf.drawString(72, y, text)
                y -= 22
                continue
            pdf.setFont("Helvetica", 10)
            lines = wrap_words(text, 90)
            if kind == "bullet":
                lines[0] = "- " + lines[0]
            for line in lines:
                pdf.drawString(72, y, line)
                y -= 14
            y -= 8
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def wrap_words(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def blank_pdf(pages: int = 1) -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    for _ in range(pages):
        pdf.rect(100, 100, 200, 200)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


OWNER_PASSWORD = "owner"


def encrypted_pdf(data: bytes, *, user_password: str) -> bytes:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(data)).pages:
        writer.add_page(page)
    writer.encrypt(user_password=user_password, owner_password=OWNER_PASSWORD, algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def self_assessment_pdf(skip: tuple[int, ...] = ()) -> tuple[bytes, dict[str, int]]:
    """A PDF with a contents page, then one page per default section: heading, two paragraphs, a bullet."""
    contents = [("heading", "Contents")] + [
        ("heading", section.title) for index, section in enumerate(DEFAULT_SECTIONS) if index not in skip
    ]
    pages = [contents]
    expected = {}
    for index, section in enumerate(DEFAULT_SECTIONS):
        if index in skip:
            continue
        first, second, bullet = words(60, seed=index), words(45, seed=index + 1), words(6, seed=index + 2)
        pages.append(
            [
                ("heading", f"{index + 1}. {section.title}"),
                ("paragraph", first),
                ("paragraph", second),
                ("bullet", bullet),
            ]
        )
        expected[section.title] = 60 + 45 + 6
    return pdf_bytes(pages), expected


def hostile_filenames() -> list[str]:
    return [
        "../../etc/passwd.docx",
        "..\\..\\Windows\\system32\\report.docx",
        "C:\\Users\\dcs\\Desktop\\self assessment.docx",
        "/absolute/path/sef.pdf",
        "sef\x00.docx",
        "line\r\nbreak\t.md",
        "bell\x07\x1b[31m.txt",
        "right-to-left\u202excod.exe.docx",
        "x" * 500 + ".docx",
        "".join(itertools.repeat("é", 300)) + ".pdf",
    ]


def parts_word_total(sections, unmatched) -> int:
    """Every word split_markdown returned: section bodies, unmatched bodies and the headings themselves."""
    total = 0
    for section in sections:
        total += section.word_count + (count_words(section.heading) if section.heading else 0)
    for heading, markdown in unmatched:
        total += count_words(markdown) + (count_words(heading) if heading else 0)
    return total

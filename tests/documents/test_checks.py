"""Checks before parsing: file names, types, sizes, hostile zips, hostile PDFs, text encodings."""

import io
import time
import tracemalloc
import zipfile

import pytest

from peerchallenge.documents import DEFAULT_SECTIONS, DocumentRejected, analyse_document, safe_filename
from peerchallenge.documents.checks import (
    DAMAGED_DOCX,
    DAMAGED_PDF,
    DOCX_MAX_ENTRIES,
    SCAN_CHUNK,
    UNSAFE_DOCX,
    check_upload,
    declared_zip_entries,
    decode_text,
    document_kind,
    format_size,
)
from tests.documents import builders


def refusal(filename: str, data: bytes, **options) -> str:
    with pytest.raises(DocumentRejected) as caught:
        analyse_document(filename, data, DEFAULT_SECTIONS, **options)
    assert str(caught.value) == caught.value.message
    return caught.value.message


# File names.


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.docx", "passwd.docx"),
        ("..\\..\\Windows\\system32\\report.docx", "report.docx"),
        ("C:\\Users\\dcs\\Desktop\\self assessment.docx", "self assessment.docx"),
        ("/absolute/path/sef.pdf", "sef.pdf"),
        ("sef\x00.docx", "sef.docx"),
        ("line\r\nbreak\t.md", "line break.md"),
        ("right-to-left\u202excod.exe.docx", "right-to-leftxcod.exe.docx"),
        ("", "document"),
        ("..", "document"),
        ("  Self assessment 2025.DOCX  ", "Self assessment 2025.DOCX"),
    ],
)
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


@pytest.mark.parametrize("name", builders.hostile_filenames())
def test_safe_filename_is_always_display_safe(name):
    safe = safe_filename(name)
    assert 0 < len(safe) <= 255
    assert "/" not in safe and "\\" not in safe
    assert not any(ord(char) < 32 or ord(char) == 127 or 0x202A <= ord(char) <= 0x202E for char in safe)
    assert safe.rpartition(".")[2] == name.rpartition(".")[2]


def test_a_hostile_file_name_does_not_stop_a_good_file():
    analysis = analyse_document("../../" + "x" * 500 + "\x00.docx", builders.minimal_docx(), DEFAULT_SECTIONS)
    assert analysis.kind == "docx"


@pytest.mark.parametrize(
    ("name", "message_start"),
    [
        ("sef.doc", "Older Word files (.doc) can't be read."),
        ("sef.docm", "Macro-enabled Word files (.docm) are not accepted."),
        ("sef.rtf", ".rtf files can't be read."),
        ("sef.odt", ".odt files can't be read."),
        ("sef.exe", ".exe files can't be read."),
        ("sef.docx.exe", ".exe files can't be read."),
        ("sef", "The file name has no ending."),
    ],
)
def test_unsupported_extensions_are_refused_by_name(name, message_start):
    assert refusal(name, builders.minimal_docx()).startswith(message_start)


@pytest.mark.parametrize(
    ("name", "kind"),
    [("a.docx", "docx"), ("a.DOCX", "docx"), ("a.Pdf", "pdf"), ("a.md", "md"), ("a.txt", "txt")],
)
def test_supported_extensions(name, kind):
    assert document_kind(name) == kind


def test_an_empty_file_is_refused():
    assert refusal("sef.docx", b"") == "The file is empty."


def test_a_file_over_the_size_limit_is_refused_before_it_is_read():
    data = builders.minimal_docx()
    assert refusal("sef.docx", data, max_bytes=1024) == (
        f"The file is {format_size(len(data))}; the largest file you can upload is 1 KB."
    )
    assert format_size(25 * 1024 * 1024 + 300 * 1024) == "25.3 MB"
    assert format_size(20 * 1024 * 1024) == "20 MB"


# What the bytes really are.


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("sef.docx", builders.png_bytes(), "The file is a PNG image, not a Word document (.docx)."),
        (
            "sef.docx",
            b"\xff\xd8\xff\xe0" + bytes(100),
            "The file is a JPEG image, not a Word document (.docx).",
        ),
        ("sef.pdf", builders.png_bytes(), "The file is a PNG image, not a PDF."),
        ("sef.md", builders.png_bytes(), "The file is a PNG image, not a text file."),
        ("sef.docx", builders.blank_pdf(), "The file is a PDF, not a Word document (.docx)."),
        ("sef.pdf", builders.minimal_docx(), "The file is a Word document (.docx), not a PDF."),
        ("sef.txt", builders.minimal_docx(), "The file is a Word document (.docx), not a text file."),
        (
            "sef.docx",
            b"{\\rtf1\\ansi hello}",
            "The file is a Rich Text Format (.rtf) file, not a Word document (.docx).",
        ),
    ],
)
def test_bytes_must_match_the_extension(name, data, message):
    assert refusal(name, data) == message


def test_an_encrypted_word_file_is_named_as_password_protected():
    message = refusal("sef.docx", builders.encrypted_office_file())
    assert message.startswith("The file is a password-protected Word document.")
    assert "Remove the password" in message


def test_an_old_office_file_renamed_docx_mentions_doc_and_passwords():
    message = refusal("sef.docx", builders.OLE2_HEADER + bytes(2000))
    assert message.startswith("The file is an older Word file (.doc) or a password-protected Word document")


def test_other_zip_files_are_named():
    excel = builders.raw_zip([builders.RawEntry("xl/workbook.xml", b"<a/>", 0, 4, method=zipfile.ZIP_STORED)])
    assert refusal("sef.docx", excel) == "The file is an Excel workbook, not a Word document (.docx)."
    plain_zip = builders.raw_zip([builders.RawEntry("notes.txt", b"hello", 0, 5, method=zipfile.ZIP_STORED)])
    assert refusal("sef.docx", plain_zip) == "The file is a ZIP archive, not a Word document (.docx)."


def test_random_bytes_named_docx():
    assert refusal("sef.docx", b"hello world").startswith(
        "The file is not a Word document, although its name ends in .docx."
    )


def test_a_damaged_zip_is_refused_as_damaged():
    assert refusal("sef.docx", b"PK\x03\x04" + bytes(200)) == DAMAGED_DOCX
    assert refusal("sef.docx", builders.minimal_docx()[:-40]) == DAMAGED_DOCX


# Hostile Word files.


def test_a_zip_bomb_is_refused_in_well_under_a_second_without_memory_growing():
    bomb = builders.zip_bomb_docx()
    assert len(bomb) < 1_200_000
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(info.file_size for info in archive.infolist()) > 4 * 1024**3
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = refusal("bomb.docx", bomb)
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert message.startswith("The Word file unpacks to more than 100 MB, so it can't be read safely.")
    assert elapsed < 0.25
    assert peak < 2 * 1024 * 1024


def test_one_part_with_an_absurd_compression_ratio_is_refused():
    part = builders.deflated(bytes(2 * 1024 * 1024))
    part.name = "word/media/image1.png"
    message = refusal("sef.docx", builders.docx_with_extra_entries([part]))
    assert "zip bomb" in message


def test_a_well_compressed_small_part_is_fine():
    part = builders.deflated(bytes(512 * 1024))
    part.name = "customXml/item99.xml"
    assert (
        analyse_document("sef.docx", builders.docx_with_extra_entries([part]), DEFAULT_SECTIONS).kind
        == "docx"
    )


def test_an_xml_part_too_big_to_parse_is_refused_from_its_declared_size():
    entries = builders.entries_of(builders.minimal_docx())
    document = next(entry for entry in entries if entry.name == "word/document.xml")
    document.stored = bytes(range(256)) * 1024  # 256 KB that is never inflated
    document.size = 17 * 1024 * 1024  # a ratio of 68: no zip bomb, but too much for minidom
    message = refusal("sef.docx", builders.raw_zip(entries))
    assert message == (
        "The Word file has too much content to read (more than 16 MB of text and formatting). "
        "Upload a shorter version."
    )


def test_too_many_parts_are_refused_from_the_end_record_alone():
    data = builders.docx_with_many_entries(DOCX_MAX_ENTRIES)
    assert declared_zip_entries(data) > DOCX_MAX_ENTRIES
    assert refusal("sef.docx", data).startswith("The Word file has more than 2,000 internal parts")
    assert (
        check_upload("sef.docx", builders.docx_with_many_entries(DOCX_MAX_ENTRIES - 20), max_bytes=10**8)
        == "docx"
    )


def test_encrypted_zip_entries_are_refused():
    entries = builders.entries_of(builders.minimal_docx())
    entries[0].flags = 0x1
    assert refusal("sef.docx", builders.raw_zip(entries)).startswith("The Word file is encrypted.")


@pytest.mark.parametrize(("vba_project", "content_type"), [(True, True), (True, False), (False, True)])
def test_a_macro_enabled_file_renamed_docx_is_refused(vba_project, content_type):
    data = builders.macro_enabled_docx(vba_project=vba_project, content_type=content_type)
    assert refusal("sef.docx", data).startswith(
        "The file is a macro-enabled Word document (.docm) renamed to .docx."
    )


def test_a_docx_without_its_main_part_is_refused():
    data = builders.minimal_docx()
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist() if name != "word/document.xml"}
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    assert refusal("sef.docx", output.getvalue()) == "The file is a ZIP archive, not a Word document (.docx)."


def test_billion_laughs_is_refused_before_any_parser_sees_it():
    started = time.perf_counter()
    assert refusal("sef.docx", builders.billion_laughs_docx()) == UNSAFE_DOCX
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-le", "utf-16-be"])
def test_a_doctype_in_any_part_and_any_encoding_is_refused(encoding):
    styles = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>'.encode(encoding)
    data = builders.rezip(builders.minimal_docx(), replace={"word/styles.xml": styles})
    assert refusal("sef.docx", data) == UNSAFE_DOCX


def test_a_main_document_hidden_under_a_picture_name_is_still_scanned():
    data = builders.minimal_docx()
    package_rels = builders.read_part(data, "_rels/.rels").replace(
        b"word/document.xml", b"word/media/image1.png"
    )
    data = builders.rezip(
        data, replace={"_rels/.rels": package_rels}, add={"word/media/image1.png": builders.BILLION_LAUGHS}
    )
    assert refusal("sef.docx", data) == UNSAFE_DOCX


def test_a_picture_with_a_doctype_is_not_a_reason_to_refuse():
    svg = b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd"><svg/>'
    data = builders.minimal_docx(("Our offer.",))
    document_rels = builders.read_part(data, "word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Target="media/image9.svg" Type="http://schemas.openxmlformats.org/'
        b'officeDocument/2006/relationships/image"/></Relationships>',
    )
    data = builders.rezip(
        data, replace={"word/_rels/document.xml.rels": document_rels}, add={"word/media/image9.svg": svg}
    )
    assert "Our offer." in analyse_document("sef.docx", data, DEFAULT_SECTIONS).markdown


def test_a_doctype_split_across_read_chunks_is_found():
    declaration = b'<?xml version="1.0"?>'
    document = declaration + b" " * (SCAN_CHUNK - len(declaration) - 4) + b"<!DOCTYPE x><x/>"
    assert document.index(b"<!DOCTYPE") < SCAN_CHUNK < document.index(b"<!DOCTYPE") + 9
    data = builders.rezip(builders.minimal_docx(), replace={"word/document.xml": document})
    assert refusal("sef.docx", data) == UNSAFE_DOCX


def test_malformed_xml_is_refused_as_damaged():
    assert refusal("sef.docx", builders.malformed_xml_docx()) == DAMAGED_DOCX


def test_a_corrupted_part_is_refused_as_damaged():
    entries = builders.entries_of(builders.minimal_docx())
    document = next(entry for entry in entries if entry.name == "word/document.xml")
    document.crc ^= 0xFFFF
    assert refusal("sef.docx", builders.raw_zip(entries)) == DAMAGED_DOCX


# Hostile PDFs.


def test_text_named_pdf_is_refused():
    assert refusal("sef.pdf", b"Just some text").startswith(
        "The file is not a PDF, although its name ends in .pdf."
    )


def test_a_truncated_pdf_is_refused():
    data, _expected = builders.self_assessment_pdf()
    message = refusal("sef.pdf", data[: len(data) // 2])
    assert message.startswith("The PDF is incomplete or damaged")


def test_a_damaged_pdf_is_refused():
    no_pages = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer <<>>\n%%EOF\n"
    assert refusal("sef.pdf", no_pages) == DAMAGED_PDF
    assert refusal("sef.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 4 + b"\n%%EOF") == DAMAGED_PDF


def test_a_password_protected_pdf_is_refused():
    data = builders.encrypted_pdf(
        builders.pdf_bytes([[("paragraph", "Secret words.")]]), user_password="secret"
    )
    assert refusal("sef.pdf", data).startswith("The PDF is password-protected.")


def test_a_pdf_protected_only_against_editing_is_read():
    data = builders.encrypted_pdf(builders.pdf_bytes([[("paragraph", "Readable words.")]]), user_password="")
    analysis = analyse_document("sef.pdf", data, DEFAULT_SECTIONS)
    assert "Readable words." in analysis.markdown


def test_a_pdf_over_the_page_limit_is_refused():
    message = refusal("sef.pdf", builders.blank_pdf(pages=501))
    assert message == "The PDF has 501 pages; the most that can be read is 500. Upload a shorter version."


# Text files.


def test_nul_bytes_mean_binary():
    assert refusal("sef.txt", b"Early help\x00\x01\x02").startswith("The file is not plain text")


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ("Early help – £5 ‘quoted’".encode(), "Early help – £5 ‘quoted’"),
        (b"\xef\xbb\xbfWith a BOM", "With a BOM"),
        ("Windows text – £5 ‘quoted’".encode("cp1252"), "Windows text – £5 ‘quoted’"),
        ("UTF-16 text £".encode("utf-16"), "UTF-16 text £"),
    ],
)
def test_text_encodings(data, text):
    assert decode_text(data) == text
    assert analyse_document("sef.txt", data, DEFAULT_SECTIONS).markdown.strip() == text


def test_undecodable_text_is_refused():
    assert refusal("sef.md", b"bad \x81 byte").startswith("The text file's characters can't be read.")

"""The lead downloads the draft letter as Word, edits it there and uploads it back as a new version.

Round trip, the refusals (each a 4xx with its message and no new version) and text that looks like markup
arriving as plain text in the page and the PDF.
"""

import copy
import io
import os

import docx
import pypdf
import pytest
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.documents.extract import extract_markdown
from peerchallenge.extensions import db
from peerchallenge.letters.compose import letter_title
from peerchallenge.letters.models import LetterState, VersionSource
from peerchallenge.letters.output import LetterDetails, heading_shift, letter_docx
from peerchallenge.letters.upload import EMPTY, RELEASED, WORD_ONLY, letter_text, same_text
from peerchallenge.sanitise import render_markdown
from tests.documents import builders
from tests.scenarios import approve_and_release, letter_of, review_content, submit, submit_both

OPENING = "Thank you for sharing"


def draft_docx(client, letter) -> bytes:
    response = client.get(f"/letters/{letter.id}/letter.docx")
    assert response.status_code == 200
    return response.data


def upload(client, letter, data: bytes, filename: str = "letter.docx", base_version: int | None = None):
    number = letter.current_version.number if base_version is None else base_version
    return client.post(
        f"/letters/{letter.id}/upload",
        data={"word-file": (io.BytesIO(data), filename), "word-base_version": str(number)},
        content_type="multipart/form-data",
    )


def edited(data: bytes, change) -> bytes:
    """The Word file after `change(document)`, saved as Word saves it."""
    document = docx.Document(io.BytesIO(data))
    change(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraph_starting(document, start: str):
    return next(paragraph for paragraph in document.paragraphs if paragraph.text.startswith(start))


def add_after(paragraph, text: str, style: str | None = None):
    """A new paragraph right after `paragraph`, in `style` or in the same style."""
    new = copy.deepcopy(paragraph._p)
    paragraph._p.addnext(new)
    added = docx.text.paragraph.Paragraph(new, paragraph._parent)
    for run in added.runs[1:]:
        run._r.getparent().remove(run._r)
    added.runs[0].text = text
    if style:
        added.style = paragraph.part.document.styles[style]
    return added


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def events(kind: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.kind == kind)))


def test_an_unchanged_download_reads_back_as_the_letters_own_text(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    data = draft_docx(lead, letter)
    markdown, warnings = extract_markdown("docx", data)
    assert warnings == []
    assert markdown != letter.body  # the title, the details, lifted headings, bold table headers
    title = letter_title(letter.cycle.title)
    back = letter_text(markdown, title, heading_shift(letter.current_version.body_html))
    # To the character (Word could not keep a double blank line, but the composed letter has none).
    assert back == letter.body
    assert same_text(back, letter.body)

    response = upload(lead, letter, data)
    assert response.status_code == 302
    page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "same text as the current version, so nothing was saved" in page
    assert len(letter_of(reviewing).versions) == 1


EVERY_KIND_OF_BLOCK = """Dear Sam,

A paragraph with **bold**, *italic*, `code` and a [link](https://example.org/a).

## A heading

- First bullet
- Second bullet with **bold**
    - Nested bullet
        - Deeper still
    1. A step inside a bullet
- Third

1. First step
2. Second step

- A bullet list right after a numbered one

### A smaller heading

> A quote from a peer.

| Scale | Borough | Cityton |
| --- | --- | --- |
| Evidence | Strong | A \\| pipe |

A line\\
with a break.

Text with a * star, an _underscore_, a # hash and <b>tags</b> as typed.

---

Yours sincerely,

Sam
"""


def test_what_a_round_trip_through_word_keeps_and_loses():
    """Everything reads the same after Word but code's typewriter font and a horizontal rule, which the
    Word file shows with a font and a border that mammoth does not read."""
    title = "Region A peer challenge 2026: letter"
    details = LetterDetails.from_markdown(
        EVERY_KIND_OF_BLOCK, title=title, authority_name="Anyshire", region_name="Region A", released_on=None
    )
    data = letter_docx(details)
    before = str(render_markdown(EVERY_KIND_OF_BLOCK))
    back = letter_text(extract_markdown("docx", data)[0], title, heading_shift(before))
    assert "<!--" not in back and "Anyshire" not in back and title not in back
    assert "<code>code</code>" in before and "<hr>" in before
    expected = before.replace("<code>code</code>", "code").replace("<hr>\n", "")
    assert str(render_markdown(back)) == expected


def test_an_edited_word_file_becomes_the_new_version_and_its_pdf(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)

    def change(document):
        opening = paragraph_starting(document, OPENING)
        opening.runs[0].text = "Thank you, warmly, for sharing"
        add_after(opening, "Sufficiency is improving faster than the national rate", "List Bullet")

    response = upload(lead, letter, edited(draft_docx(lead, letter), change))
    assert response.status_code == 302

    letter = letter_of(reviewing)
    assert [version.source for version in letter.versions] == [VersionSource.COMPOSED, VersionSource.UPLOADED]
    assert letter.current_version.created_by_id == reviewing.lead.id
    assert letter.is_edited  # a review changing later never replaces it silently
    assert "Thank you, warmly, for sharing" in letter.body and OPENING not in letter.body
    assert "\n- Sufficiency is improving faster than the national rate\n" in letter.body
    assert (
        "<li>Sufficiency is improving faster than the national rate</li>" in letter.current_version.body_html
    )
    # Nothing else moved: the rest of the text is the composed one, headings at their own levels.
    rest, composed_rest = (version.body.split("## Headline summary")[1] for version in letter.versions)
    assert same_text(rest, composed_rest)
    assert "Peer challenge" not in letter.body.split("\n")[0] and "**Authority:**" not in letter.body

    page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "Uploaded from Word" in page and "Check how it reads below" in page
    pdf = lead.get(f"/letters/{letter.id}/letter.pdf")
    assert pdf.status_code == 200
    text = pdf_text(pdf.data)
    assert "Thank you, warmly, for sharing" in text
    assert "Sufficiency is improving faster than the national rate" in text
    [event] = events("letter_uploaded")
    assert event.actor_id == reviewing.lead.id and event.details["version"] == 2


def test_a_changed_review_never_replaces_an_uploaded_letter_by_itself(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    data = edited(
        draft_docx(lead, letter), lambda document: add_after(paragraph_starting(document, OPENING), "Ours.")
    )
    assert upload(lead, letter, data).status_code == 302
    uploaded = letter_of(reviewing).body
    assert lead.post(f"/reviews/{reviewing.assignment.id}/reopen").status_code == 302
    submit(reviewing.assignment, reviewing.reviewer_director, review_content(reviewing.cycle, level=3))
    letter = letter_of(reviewing)
    assert letter.body == uploaded and letter.current_version.source == VersionSource.UPLOADED
    assert letter.reviews_changed_at is not None  # the lead chooses: keep it, or compose again


def test_an_upload_withdraws_the_approval(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    data = edited(
        draft_docx(lead, letter), lambda document: add_after(paragraph_starting(document, OPENING), "More.")
    )
    assert lead.post(f"/letters/{letter.id}/approve").status_code == 302
    assert letter_of(reviewing).is_approved
    assert upload(lead, letter, data).status_code == 302
    letter = letter_of(reviewing)
    assert letter.state == LetterState.COMPOSED and letter.approved_at is None
    assert len(events("letter_unapproved")) == 1


def assert_refused(response, status: int, message: str, reviewing) -> str:
    """The page came back with `status` and `message`, and the letter still has its one version."""
    assert response.status_code == status
    page = response.get_data(as_text=True)
    assert message.lower() in page.lower()
    assert len(letter_of(reviewing).versions) == 1 and events("letter_uploaded") == []
    return page


def without_body(document) -> None:
    """Only what the download adds: the title and the authority, region and release lines."""
    body = document.element.body
    kept = [paragraph._p for paragraph in document.paragraphs[:4]]
    for element in list(body):
        if element not in kept and not element.tag.endswith("sectPr"):
            body.remove(element)


def random_bytes() -> bytes:
    return os.urandom(4096)


REFUSED_FILES = {
    "a PDF renamed .docx": (
        lambda: builders.blank_pdf(),
        "letter.docx",
        "The file is a PDF, not a Word document",
    ),
    "a PDF": (lambda: builders.blank_pdf(), "letter.pdf", WORD_ONLY),
    "a text file": (lambda: b"Dear Dana,\n", "letter.txt", WORD_ONLY),
    "an old Word file": (lambda: builders.encrypted_office_file(), "letter.doc", "Older Word files (.doc)"),
    "a macro-enabled file by name": (lambda: builders.minimal_docx(), "letter.docm", "Macro-enabled"),
    "a macro-enabled file renamed .docx": (
        builders.macro_enabled_docx,
        "letter.docx",
        "macro-enabled Word document (.docm) renamed",
    ),
    "a zip bomb": (builders.zip_bomb_docx, "letter.docx", "unpacks to more than 100 MB"),
    "random bytes": (random_bytes, "letter.docx", "The file is not a Word document"),
    "a huge file": (
        lambda: b"PK" + bytes(11 * 1024 * 1024),
        "letter.docx",
        "the largest file you can upload is 10 MB",
    ),
    "an entity bomb": (builders.billion_laughs_docx, "letter.docx", "parts Word never writes"),
    "an empty file": (lambda: b"", "letter.docx", "The file is empty."),
}


@pytest.mark.parametrize("name", REFUSED_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_saves_nothing(reviewing, sign_in, name):
    make, filename, message = REFUSED_FILES[name]
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    page = assert_refused(upload(lead, letter, make(), filename), 400, message, reviewing)
    assert "There is a problem" in page and 'href="#word-file"' in page  # the summary leads to the field


def test_a_word_file_with_nothing_but_the_downloads_own_lines_is_refused(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    assert_refused(
        upload(lead, letter, edited(draft_docx(lead, letter), without_body)), 400, EMPTY, reviewing
    )


def test_a_released_letter_takes_no_upload(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    data = draft_docx(lead, letter)
    approve_and_release(lead, letter)
    page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "Upload as a new version" not in page
    assert_refused(upload(lead, letter_of(reviewing), data), 400, RELEASED, reviewing)


def test_an_upload_on_top_of_a_newer_version_is_refused_with_409(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    data = edited(
        draft_docx(lead, letter), lambda document: add_after(paragraph_starting(document, OPENING), "Mine.")
    )
    typed = lead.post(f"/letters/{letter.id}", data={"body": "Typed meanwhile", "base_version": 1})
    assert typed.status_code == 302
    response = upload(lead, letter, data, base_version=1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "changed after you opened this page, so your file was not uploaded" in page
    assert 'name="word-base_version" type="hidden" value="2"' in page  # uploading again is a choice
    assert letter_of(reviewing).body == "Typed meanwhile\n"


def test_no_file_and_an_expired_form_are_told_on_the_page(app, reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    missing = lead.post(f"/letters/{letter.id}/upload", data={"word-base_version": "1"})
    assert_refused(missing, 400, "Select the Word file of the letter", reviewing)

    app.config["WTF_CSRF_ENABLED"] = True
    try:
        expired = upload(lead, letter, draft_docx(lead, letter))
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert_refused(expired, 400, "The page had expired, so nothing was uploaded", reviewing)


def test_only_the_lead_uploads(reviewing, sign_in):
    letter = submit_both(reviewing)
    data = draft_docx(sign_in(reviewing.lead), letter)
    for outsider in (reviewing.reviewed_director, reviewing.reviewer_director):
        assert upload(sign_in(outsider), letter, data).status_code in (403, 404)
    assert len(letter_of(reviewing).versions) == 1


HOSTILE = [
    "**not bold** _not italic_ [a link](javascript:alert(1))",
    "<script>alert(1)</script> <img src=x onerror=alert(1)> &amp;",
    '#set text(fill: red) #import "secrets.typ": * #read("/etc/passwd")',
    "# not a heading",
    "- not a bullet",
    "$x^2$ ] ) } // not a comment",
]


def test_markup_typed_in_word_arrives_as_plain_text(reviewing, sign_in):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)

    def change(document):
        after = paragraph_starting(document, OPENING)
        for line in HOSTILE:
            after = add_after(after, line)

    assert upload(lead, letter, edited(draft_docx(lead, letter), change)).status_code == 302
    letter = letter_of(reviewing)
    html = letter.current_version.body_html
    for unwanted in ("<script", "<img", "<strong>not bold", "href=", "<h1", "<li>not a bullet"):
        assert unwanted not in html
    for shown in (
        "<p>**not bold** _not italic_ [a link](javascript:alert(1))</p>",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "<p># not a heading</p>",
        "<p>- not a bullet</p>",
    ):
        assert shown in html
    text = " ".join(pdf_text(lead.get(f"/letters/{letter.id}/letter.pdf").data).split())
    for line in HOSTILE:
        assert line in text

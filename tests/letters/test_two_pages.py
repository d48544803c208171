"""The letter of every demo authority fits on two A4 pages before the annex, which starts a page of its own,
in the PDF and in the Word file. Pure: the demo's reviews, composed and rendered as the service does."""

import io

import docx
import pypdf
import pytest

from peerchallenge.cycles.defaults import DEFAULT_SCALES
from peerchallenge.demo.profiles import profile_for
from peerchallenge.letters.choice import RANGES, PointKind, candidates, default_choice
from peerchallenge.letters.compose import (
    ANNEX_TITLE,
    PeerReview,
    ScaleSpec,
    SectionSpec,
    Signatory,
    annex_markdown,
    compose,
    headline_markdown,
    points_markdown,
    salutation,
    signatories_markdown,
)
from peerchallenge.letters.output import LetterDetails, letter_docx, letter_pdf
from peerchallenge.letters.template import DEFAULT_LETTER_TEMPLATE, render_letter
from tests.demo_reviews import SECTIONS, reviews_of
from tests.factories import EASTERN_AUTHORITIES

SCALES = [
    ScaleSpec(
        scale.key,
        scale.name,
        tuple(enumerate(label for label, _ in scale.levels)),
        ordered=scale.ordered,
        definitions=tuple(definition for _, definition in scale.levels),
    )
    for scale in DEFAULT_SCALES
]
PEERS = ("Central Bedfordshire", "Southend-on-Sea")


def markdown(name: str, *, longest: bool) -> str:
    """The letter to one demo authority: the service's choice, or the longest points a lead could tick."""
    reviews = [
        PeerReview(peer, content)
        for peer, content in zip(PEERS, reviews_of(profile_for(name), PEERS), strict=True)
    ]
    sections = [SectionSpec(number, title, tuple(scales)) for number, title, scales in SECTIONS]
    composed = compose(sections, SCALES, reviews, anonymous=False)
    if longest:
        ranked = candidates(composed)
        chosen = {
            kind: sorted((candidate.text for candidate in ranked[kind]), key=len, reverse=True)[
                : RANGES[kind][1]
            ]
            for kind in PointKind
        }
        headline = " ".join(summary for _, summary in composed.overall.summaries)
    else:
        chosen = {kind: [point.text for point in points] for kind, points in default_choice(composed).items()}
        headline = composed.headline
    values = {
        "authority": name,
        "salutation": salutation(["Alexandra-Louise"]),
        "dcs_name": "Alexandra-Louise Montgomery-Smith",
        "peers": " and ".join(PEERS),
        "cycle": "Eastern Region peer challenge 2026",
        "year": "2026",
        "region": "ADCS Eastern Region",
        "submissions_due": "30 September 2026",
        "reviews_due": "13 November 2026",
        "letters_due": "11 December 2026",
        "challenge_event": "30 January 2027",
        "sections": "",
        "overall": "",
        "signatories": signatories_markdown(
            [Signatory(f"Director of {peer}", "Director of Children's Services", peer) for peer in PEERS],
            anonymous=False,
        ),
        "headline": headline_markdown(headline),
        "strengths": points_markdown(chosen[PointKind.STRENGTH]),
        "areas_for_consideration": points_markdown(chosen[PointKind.CONSIDERATION]),
        "lines_of_enquiry": points_markdown(chosen[PointKind.ENQUIRY], numbered=True),
        "annex": annex_markdown(composed),
    }
    return render_letter(DEFAULT_LETTER_TEMPLATE, values)


def files(body: str) -> tuple[bytes, bytes]:
    details = LetterDetails.from_markdown(
        body,
        title="Eastern Region peer challenge 2026: letter",
        authority_name="Example",
        region_name="ADCS Eastern Region",
        released_on=None,
    )
    return letter_pdf(details), letter_docx(details)


@pytest.mark.parametrize("longest", [False, True], ids=["as composed", "longest points"])
@pytest.mark.parametrize("name", EASTERN_AUTHORITIES)
def test_the_letter_fits_two_pages_and_the_annex_starts_a_page(name, longest):
    pdf, word = files(markdown(name, longest=longest))
    pages = [page.extract_text() or "" for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    annex = next(number for number, text in enumerate(pages) if ANNEX_TITLE in text)
    assert annex <= 2, f"the letter to {name} takes {annex} pages before the annex"
    assert "Yours sincerely" in "".join(pages[:annex])
    assert "Yours sincerely" not in pages[annex]  # a page of its own
    # The annex's heading opens its page, below the region's name in the margin.
    assert pages[annex].split(ANNEX_TITLE)[0].replace("ADCS Eastern Region", "").strip() == ""
    paragraphs = docx.Document(io.BytesIO(word)).paragraphs
    heading = next(paragraph for paragraph in paragraphs if paragraph.text == ANNEX_TITLE)
    assert heading.style.name == "Heading 1" and heading.paragraph_format.page_break_before
    assert sum(bool(paragraph.paragraph_format.page_break_before) for paragraph in paragraphs) == 1

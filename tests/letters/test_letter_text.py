"""Letter text and responses are rendered once, when saved; pages show the stored HTML. Text over a limit
is refused with its reason and the typed text kept."""

import pytest

from peerchallenge import sanitise
from peerchallenge.extensions import db
from peerchallenge.sanitise import render_markdown
from tests.scenarios import approve_and_release, letter_of, submit_both


@pytest.fixture
def renders(monkeypatch):
    """How many times the Markdown renderer has run (it still runs: the count is all that changes)."""
    calls = []
    render = sanitise.MARKDOWN.render

    def counted(text, env=None):
        calls.append(len(text))
        return render(text, env)

    monkeypatch.setattr(sanitise.MARKDOWN, "render", counted)
    return calls


def test_every_letter_version_keeps_its_rendered_html(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    client.post(f"/letters/{letter.id}", data={"body": "Dear *colleague*", "base_version": 1})
    letter = letter_of(reviewing)
    assert len(letter.versions) == 2
    assert all(version.body_html == str(render_markdown(version.body)) for version in letter.versions)
    assert letter.versions[-1].body_html == "<p>Dear <em>colleague</em></p>\n"


def test_a_response_of_8000_brackets_is_shown_from_the_stored_html(reviewing, sign_in, renders):
    letter = submit_both(reviewing)
    lead = sign_in(reviewing.lead)
    approve_and_release(lead, letter)
    director = sign_in(reviewing.reviewed_director)
    saved = director.post(
        f"/letters/{letter.id}/response", data={"acknowledged": "y", "response": "[" * 8000}
    )
    assert saved.status_code == 302
    assert letter_of(reviewing).response_html == f"<p>{'[' * 8000}</p>\n"

    renders.clear()
    for client, url in ((lead, f"/letters/{letter.id}"), (director, f"/letters/{letter.id}/read")):
        page = client.get(url)
        assert page.status_code == 200 and "[" * 8000 in page.get_data(as_text=True)
    assert renders == []  # the letter page took 12 s when it rendered this on every view

    letter = letter_of(reviewing)
    letter.response_html = "<p>Stored response</p>"
    letter.current_version.body_html = "<p>Stored letter</p>"
    db.session.commit()
    page = lead.get(f"/letters/{letter.id}").get_data(as_text=True)
    assert "Stored response" in page and "Stored letter" in page


def test_a_letter_over_a_limit_is_refused_with_its_reason_and_the_text_kept(reviewing, sign_in):
    letter = submit_both(reviewing)
    client = sign_in(reviewing.lead)
    typed = "Kept words\n\n" + "## Heading\n" * 501
    refused = client.post(f"/letters/{letter.id}", data={"body": typed, "base_version": 1})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "The letter has 501 headings; a letter can have at most 500." in page and "Kept words" in page
    assert len(letter_of(reviewing).versions) == 1


def test_a_response_over_a_limit_is_refused_with_the_text_kept(reviewing, sign_in):
    letter = submit_both(reviewing)
    approve_and_release(sign_in(reviewing.lead), letter)
    director = sign_in(reviewing.reviewed_director)
    typed = "Our plan\n\n" + "".join("  " * depth + "- deeper\n" for depth in range(25))
    refused = director.post(f"/letters/{letter.id}/response", data={"acknowledged": "y", "response": typed})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "The response has lists or quotes nested 25 deep" in page and "Our plan" in page
    assert letter_of(reviewing).response == ""


def test_a_template_over_a_limit_is_refused_for_preview_and_save(reviewing, sign_in):
    client = sign_in(reviewing.lead)
    url = f"/cycles/{reviewing.cycle.id}/letters/template"
    source = "{{ sections }}\n\n{{ overall }}\n\n" + "# Heading\n" * 501
    for action in ("preview", "save"):
        refused = client.post(url, data={"template": source, action: "1"})
        assert refused.status_code == 400
        assert "The template has 501 headings; a letter template can have at most 500." in refused.get_data(
            as_text=True
        )
    db.session.expire_all()
    assert reviewing.cycle.letter_template is None

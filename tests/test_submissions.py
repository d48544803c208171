"""Self-assessments: upload, split, edit as new versions, download, sign off, reopen; and bad input."""

import hashlib
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db, utcnow
from peerchallenge.submissions.models import (
    StoredFile,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from tests.documents import builders
from tests.scenarios import (
    FAMILY_HELP,
    early_help_position,
    edit,
    open_cycle,
    page_url,
    self_assessment_md,
    upload,
)


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Submission, SubmissionVersion, StoredFile)
    )


def test_contributor_uploads_markdown_and_sees_its_sections(world, cycle, sign_in):
    client = sign_in(world.contributor)
    data = self_assessment_md(omit=("Workforce",))
    response = upload(client, cycle, world.authority, data, "ours.md")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Version 1 has been uploaded" in page
    assert "Section &#39;Workforce&#39; was not found." in page or "Workforce" in page
    assert FAMILY_HELP in page and "Text before the first heading" in page

    submission = db.session.scalar(sa.select(Submission))
    version = submission.current_version
    assert version.number == 1 and version.source == "upload"
    assert version.file.sha256 == hashlib.sha256(data).hexdigest()
    assert version.file.data == data and version.file.size == len(data)
    assert version.file.uploaded_by_id == world.contributor.id
    titled = {text.template_section.title: text for text in version.sections if text.template_section}
    assert titled[FAMILY_HELP].word_count == 40 and titled[FAMILY_HELP].found
    assert not titled["Workforce"].found and titled["Workforce"].word_count == 0
    unmatched = [text for text in version.sections if text.is_unmatched]
    assert unmatched and "before any heading" in unmatched[0].markdown
    assert any("Workforce" in warning for warning in version.warnings)
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "submission_uploaded"))


def test_word_upload_is_split_into_sections(world, cycle, sign_in):
    data, built = builders.self_assessment_docx(numbering="{n}. ", skip=(5,))
    client = sign_in(world.director)
    assert upload(client, cycle, world.authority, data, "self-assessment.docx").status_code == 302
    version = db.session.scalar(sa.select(SubmissionVersion))
    assert version.file.kind == "docx"
    counted = {
        text.template_section.title: text.word_count
        for text in version.sections
        if text.found and text.template_section
    }
    assert counted == {section.title: section.words for section in built}
    assert any("Care leavers" in warning for warning in version.warnings)


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (builders.png_bytes(), "self-assessment.docx", "PNG"),
        (builders.macro_enabled_docx(), "self-assessment.docx", "macro"),
        (builders.billion_laughs_docx(), "self-assessment.docx", "Word"),
        (builders.malformed_xml_docx(), "self-assessment.docx", "damaged"),
        (builders.encrypted_pdf(builders.blank_pdf(), user_password="secret"), "sa.pdf", "password"),
        (builders.blank_pdf()[:200], "sa.pdf", "damaged"),
        (b"hello", "self-assessment.exe", ""),
    ],
)
def test_bad_files_get_a_clear_message_and_nothing_is_saved(world, cycle, sign_in, data, filename, message):
    client = sign_in(world.contributor)
    response = upload(client, cycle, world.authority, data, filename)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert message.lower() in page.lower()
    assert counts() == (0, 0, 0)


def test_zip_bomb_is_refused_quickly(world, cycle, sign_in):
    client = sign_in(world.contributor)
    response = upload(client, cycle, world.authority, builders.zip_bomb_docx(), "bomb.docx")
    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_file_over_the_size_limit_gets_the_friendly_413_page(world, cycle, sign_in, app):
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    client = sign_in(world.contributor)
    response = upload(client, cycle, world.authority, b"x" * 20_000, "big.txt")
    assert response.status_code == 413
    assert "The file is too large" in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_upload_without_a_file_asks_for_one(world, cycle, sign_in):
    client = sign_in(world.contributor)
    response = client.post(page_url(cycle, world.authority) + "/upload", data={})
    assert response.status_code == 400
    assert "Select the self-assessment file" in response.get_data(as_text=True)


def test_script_in_a_document_never_reaches_the_browser_live(world, cycle, sign_in):
    hostile = (
        '\n<script>alert("x")</script>\n\n<img src=x onerror="alert(1)">\n\n'
        '[click me](javascript:alert(1))\n\n<a href="javascript:alert(2)">two</a>\n'
    )
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment_md(extra=hostile), "hostile.md")
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    main = page[page.index("<main") : page.index("</main>")]
    tags = " ".join(re.findall(r"<[^>]*>", main))
    assert "<script" not in tags
    assert "onerror" not in tags
    assert "javascript:" not in tags
    assert "click me" in main
    assert "&lt;script&gt;alert" in main  # raw HTML is shown as the text it is


def test_hostile_file_name_is_stored_safely_and_shown_escaped(world, cycle, sign_in):
    name = "../../etc/<b>pass\x07wd</b>" + "a" * 500 + ".md"
    client = sign_in(world.contributor)
    assert upload(client, cycle, world.authority, self_assessment_md(), name).status_code == 302
    stored = db.session.scalar(sa.select(StoredFile))
    assert "/" not in stored.filename and "\\" not in stored.filename and "\x07" not in stored.filename
    assert len(stored.filename) <= 255 and stored.filename.endswith(".md")
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "<b>pass" not in page
    download = client.get(page_url(cycle, world.authority) + "/versions/1/original")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert "/" not in download.headers["Content-Disposition"]


def test_download_sends_the_original_bytes_as_an_attachment(world, cycle, sign_in):
    data = self_assessment_md()
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, data, "ours.md")
    response = client.get(page_url(cycle, world.authority) + "/versions/1/original")
    assert response.data == data
    assert response.headers["Content-Disposition"] == "attachment; filename=ours.md"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "submission_downloaded"))


def test_editing_a_section_saves_a_new_version_and_keeps_the_old(world, cycle, sign_in):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    first = db.session.scalar(sa.select(SubmissionVersion))
    position = early_help_position(first)
    assert FAMILY_HELP in client.get(
        page_url(cycle, world.authority) + f"/sections/{position}/edit"
    ).get_data(as_text=True)
    response = edit(client, cycle, world.authority, position, "Short and **sharp**.", 1)
    assert response.status_code == 302
    db.session.expire_all()
    versions = db.session.scalars(sa.select(SubmissionVersion).order_by(SubmissionVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[1].source == "edit" and versions[1].file_id == versions[0].file_id
    assert versions[1].sections[position].markdown == "Short and **sharp**."
    assert versions[1].sections[position].word_count == 3
    assert versions[0].sections[position].word_count == 40
    assert versions[1].total_words == versions[0].total_words - 37
    page = client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    assert "Version 1" in page and "Version 2" in page  # word counts side by side
    old = client.get(page_url(cycle, world.authority) + "?version=1").get_data(as_text=True)
    assert "It is not the current version" in old


def test_two_tabs_editing_the_same_section_do_not_overwrite_silently(world, cycle, sign_in):
    client = sign_in(world.contributor)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    position = early_help_position(db.session.scalar(sa.select(SubmissionVersion)))
    assert edit(client, cycle, world.authority, position, "First tab's text.", 1).status_code == 302
    response = edit(client, cycle, world.authority, position, "Second tab's text.", 1)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "First tab" in page and "Second tab" in page and "has not been saved" in page
    assert db.session.scalar(sa.select(sa.func.count(SubmissionVersion.id))) == 2


def test_only_the_director_signs_off_and_then_it_is_locked_until_reopened(world, cycle, sign_in):
    contributor = sign_in(world.contributor)
    upload(contributor, cycle, world.authority, self_assessment_md(), "ours.md")
    assert contributor.post(page_url(cycle, world.authority) + "/sign-off").status_code == 403
    director = sign_in(world.director)
    assert "Sign off the self-assessment" in director.get(
        page_url(cycle, world.authority) + "/sign-off"
    ).get_data(as_text=True)
    director.post(page_url(cycle, world.authority) + "/sign-off")
    db.session.expire_all()
    submission = db.session.scalar(sa.select(Submission))
    assert submission.state == SubmissionState.SIGNED_OFF
    assert submission.signed_off_by_id == world.director.id and not submission.is_late

    response = upload(contributor, cycle, world.authority, self_assessment_md(), "again.md")
    assert response.status_code == 400 and "signed off" in response.get_data(as_text=True)
    position = early_help_position(submission.current_version)
    assert edit(contributor, cycle, world.authority, position, "Change", 1).status_code == 400
    assert contributor.post(page_url(cycle, world.authority) + "/reopen").status_code == 403

    lead = sign_in(world.lead)
    assert "Signed off" in lead.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    lead.post(page_url(cycle, world.authority) + "/reopen")
    db.session.expire_all()
    assert submission.state == SubmissionState.DRAFT and submission.signed_off_at is None
    assert edit(contributor, cycle, world.authority, position, "Change", 1).status_code == 302


def test_sign_off_after_the_due_date_is_late(world, sign_in):
    cycle = open_cycle(world, due=date.today() - timedelta(days=2))
    upload(sign_in(world.contributor), cycle, world.authority, self_assessment_md(), "ours.md")
    sign_in(world.director).post(page_url(cycle, world.authority) + "/sign-off")
    db.session.expire_all()
    submission = db.session.scalar(sa.select(Submission))
    assert submission.is_late
    assert "Signed off late" in sign_in(world.lead).get(f"/cycles/{cycle.id}").get_data(as_text=True)


def test_deadline_lasts_all_of_the_due_day_in_uk_time(world):
    cycle = open_cycle(world, due=date.today())
    submission = Submission(cycle=cycle, authority=world.authority, signed_off_at=utcnow())
    assert not submission.is_late


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("contributor", 200),
        ("director", 200),
        ("sibling_director", 403),
        ("lead", 200),
        ("other_lead", 403),
        ("other_director", 403),
        ("admin", 200),
        ("no_role", 403),
    ],
)
def test_who_can_read_a_self_assessment(world, cycle, sign_in, client, who, status):
    upload(sign_in(world.contributor), cycle, world.authority, self_assessment_md(), "ours.md")
    user = world.user(who)
    viewer = sign_in(user) if user else client
    assert viewer.get(page_url(cycle, world.authority)).status_code == status
    assert viewer.get(page_url(cycle, world.authority) + "/versions/1/original").status_code == status


@pytest.mark.parametrize("who", ["sibling_director", "lead", "other_lead", "admin"])
def test_only_the_authority_uploads_and_edits(world, cycle, sign_in, who):
    upload(sign_in(world.contributor), cycle, world.authority, self_assessment_md(), "ours.md")
    client = sign_in(getattr(world, who))
    assert upload(client, cycle, world.authority, self_assessment_md(), "x.md").status_code == 403
    assert edit(client, cycle, world.authority, 1, "Mine now", 1).status_code == 403
    assert counts() == (1, 1, 1)


def test_a_draft_cycle_has_no_self_assessment_pages(world, sign_in):
    cycle = open_cycle(world, draft=True)
    assert sign_in(world.contributor).get(page_url(cycle, world.authority)).status_code == 404


def test_home_shows_the_authoritys_self_assessment_status(world, cycle, sign_in):
    client = sign_in(world.contributor)
    assert "Not started" in client.get("/").get_data(as_text=True)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    assert "Draft" in client.get("/").get_data(as_text=True)


def test_cli_extract_prints_json_and_refuses_bad_files(app, tmp_path):
    good = tmp_path / "ours.md"
    good.write_bytes(self_assessment_md(omit=("Care leavers",)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["documents", "extract", str(good)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert any("Care leavers" in warning for warning in report["warnings"])
    bad = tmp_path / "fake.docx"
    bad.write_bytes(builders.png_bytes())
    result = runner.invoke(args=["documents", "extract", str(bad)])
    assert result.exit_code == 1
    assert len(result.output.strip().splitlines()) == 1 and "PNG" in result.output


def test_cli_extract_uses_the_cycles_template(world, cycle, app, tmp_path):
    cycle_file = tmp_path / "ours.md"
    cycle_file.write_bytes(self_assessment_md())
    result = app.test_cli_runner().invoke(
        args=["documents", "extract", str(cycle_file), "--cycle", str(cycle.id)]
    )
    assert result.exit_code == 0
    assert [s["title"] for s in json.loads(result.output)["sections"]] == [s.title for s in cycle.sections]
    missing = app.test_cli_runner().invoke(args=["documents", "extract", str(cycle_file), "--cycle", "999"])
    assert missing.exit_code == 1


def test_an_unsigned_self_assessment_past_its_due_date_is_shown_overdue(world, sign_in):
    cycle = open_cycle(world, due=date.today() - timedelta(days=2))
    client = sign_in(world.contributor)
    assert "Overdue" in client.get("/").get_data(as_text=True)
    upload(client, cycle, world.authority, self_assessment_md(), "ours.md")
    assert "Overdue" in client.get(page_url(cycle, world.authority)).get_data(as_text=True)
    sign_in(world.director).post(page_url(cycle, world.authority) + "/sign-off")
    assert "Overdue" not in client.get(page_url(cycle, world.authority)).get_data(as_text=True)

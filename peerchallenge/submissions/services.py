"""Self-assessment transitions: upload a version, edit a section, sign off, reopen."""

import hashlib

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from peerchallenge.accounts.models import Role, User
from peerchallenge.accounts.queries import authority_users
from peerchallenge.assignments.models import Assignment, AssignmentState
from peerchallenge.audit.services import record_about
from peerchallenge.cycles import services as cycle_services
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.datapack.figures import figure_sentences
from peerchallenge.dates import uk_date
from peerchallenge.documents import analysis as documents
from peerchallenge.documents.measure import measure_html
from peerchallenge.errors import EditConflict, ServiceError
from peerchallenge.extensions import db, lock_for_update, utcnow
from peerchallenge.mail.services import public_url, queue_email
from peerchallenge.regions.models import Authority
from peerchallenge.reviews.models import Review
from peerchallenge.sanitise import costly_markup, plain_text, render_markdown
from peerchallenge.submissions.models import (
    SectionText,
    StoredFile,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from peerchallenge.submissions.queries import LastYearsText, find_submission, last_year
from peerchallenge.text_limits import shape_problem

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "md": "text/markdown",
    "txt": "text/plain",
}
MAX_SECTION_CHARACTERS = 200_000


def section_specs(cycle: Cycle) -> list[documents.SectionSpec]:
    """The cycle's template as the document code sees it."""
    return [
        documents.SectionSpec(
            section.title, section.suggested_words, section.optional, tuple(section.other_headings or ())
        )
        for section in cycle.sections
    ]


def closed_reason(cycle: Cycle) -> str:
    """Why an authority cannot change its self-assessment in this cycle's state."""
    if closed := cycle_services.closed_reason(cycle, "self-assessments are read-only"):
        return closed
    if cycle.state == CycleState.MODERATION:
        return "Moderation has started. Ask your regional lead to reopen your self-assessment to change it."
    if cycle.state == CycleState.REVIEWING:
        return "Reviews have started. Ask your regional lead to reopen your self-assessment to change it."
    return "This cycle is not open for self-assessments"


def _require_open(cycle: Cycle, submission: Submission | None) -> None:
    """Self-assessments change while the cycle is open, or when the lead reopened one late."""
    if not (cycle.accepts_submissions or (submission is not None and submission.accepts_changes)):
        raise ServiceError(closed_reason(cycle))


def _require_editable(cycle: Cycle, submission: Submission | None) -> None:
    _require_open(cycle, submission)
    if submission is not None and submission.is_signed_off:
        raise ServiceError(
            "This self-assessment has been signed off. Ask your regional lead to reopen it to change it."
        )


def _get_or_create_submission(cycle: Cycle, authority: Authority) -> Submission:
    """The authority's self-assessment, locked until the request commits so that two uploads take turns."""
    submission = find_submission(cycle, authority)
    if submission is not None:
        lock_for_update(submission)
        _require_editable(cycle, submission)  # it may have been signed off meanwhile
        return submission
    return _new_submission(cycle, authority)


def _new_submission(cycle: Cycle, authority: Authority) -> Submission:
    submission = Submission(cycle=cycle, authority=authority, state=SubmissionState.DRAFT)
    db.session.add(submission)
    try:
        db.session.flush()
    except IntegrityError as error:  # the first upload of two at the same moment
        raise ServiceError(
            "Someone else uploaded this self-assessment at the same moment, so yours was not saved. "
            "Check their version, then upload yours again if it is still needed.",
            field="file",
        ) from error
    return submission


def upload_version(
    actor: User, cycle: Cycle, authority: Authority, filename: str, data: bytes
) -> SubmissionVersion:
    """Store an uploaded file whole and add a version from its text, split into the template's sections."""
    _require_editable(cycle, find_submission(cycle, authority))
    try:
        analysis = documents.analyse_document(
            filename, data, section_specs(cycle), max_bytes=current_app.config["MAX_CONTENT_LENGTH"]
        )
    except documents.DocumentRejected as error:
        raise ServiceError(error.message, field="file") from error
    submission = _get_or_create_submission(cycle, authority)
    stored = StoredFile(
        filename=documents.safe_filename(filename),
        content_type=CONTENT_TYPES[analysis.kind],
        kind=analysis.kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
        uploaded_by=actor,
    )
    version = _new_version(submission, actor, source="upload", file=stored)
    # Rendered once, here, with one choice of markup shown as typed for the whole document: the upload
    # renders every part in one request.
    as_typed = costly_markup(analysis.markdown)
    texts = [
        SectionText(
            template_section=template_section,
            heading=part.heading[:500] if part.heading else None,
            found=part.found,
            markdown=part.markdown,
            html=str(render_markdown(part.markdown, as_typed=as_typed)),
            word_count=part.word_count,
        )
        for template_section, part in zip(cycle.sections, analysis.sections, strict=True)
    ]
    texts += [
        SectionText(
            template_section=None,
            heading=heading[:500] if heading else None,
            found=True,
            markdown=markdown,
            html=str(render_markdown(markdown, as_typed=as_typed)),
            word_count=documents.count_words(markdown),
        )
        for heading, markdown in analysis.unmatched
    ]
    _set_sections(version, texts)
    previous = last_year(cycle, authority)
    for text in texts:
        measure(text, previous)
    version.warnings = list(analysis.warnings)
    record_about(
        "submission_uploaded",
        f"{authority.name} uploaded version {version.number} ({stored.filename})",
        actor,
        submission,
        version=version.number,
        sha256=stored.sha256,
        size=stored.size,
    )
    return version


def _new_version(
    submission: Submission, actor: User, *, source: str, file: StoredFile | None
) -> SubmissionVersion:
    previous = submission.current_version
    version = SubmissionVersion(
        number=(previous.number + 1) if previous else 1,
        source=source,
        file=file,
        created_by=actor,
    )
    submission.versions.append(version)
    # A mark of "ready" was for the text as it stood: the director is asked again about the new one.
    submission.clear_ready()
    return version


def _set_sections(version: SubmissionVersion, texts: list[SectionText]) -> None:
    for position, text in enumerate(texts):
        text.position = position
    version.sections = texts
    version.total_words = sum(text.word_count for text in texts)


class VersionConflict(EditConflict):
    """The self-assessment changed since the person opened it; nothing was saved."""

    def __init__(self, message: str, current: SubmissionVersion | None):
        super().__init__(message, field="markdown")
        self.current = current


def _someone_saved_first(current: SubmissionVersion | None) -> VersionConflict:
    number = f" ({current.number})" if current is not None else ""
    return VersionConflict(
        f"Someone saved a new version{number} after you started editing. "
        "Your text has not been saved: compare it with theirs below.",
        current,
    )


def edit_section(
    actor: User, submission: Submission, position: int, markdown: str, base_version: int
) -> SubmissionVersion:
    """Save one section's edited Markdown as a new version; refuse if someone saved in between."""
    lock_for_update(submission)
    _require_editable(submission.cycle, submission)
    markdown = plain_text(markdown)
    current = submission.current_version
    if current is None or not 0 <= position < len(current.sections):
        raise ServiceError("That section does not exist")
    if len(markdown) > MAX_SECTION_CHARACTERS:
        raise ServiceError(
            f"A section can be at most {MAX_SECTION_CHARACTERS:,} characters", field="markdown"
        )
    if problem := shape_problem(markdown, "This section", "a section", max_characters=MAX_SECTION_CHARACTERS):
        raise ServiceError(problem, field="markdown")
    if current.number != base_version:
        raise _someone_saved_first(current)
    markdown = markdown.replace("\r\n", "\n").strip()
    version = _new_version(submission, actor, source="edit", file=current.file)
    texts = []
    for old in current.sections:
        text = SectionText(
            template_section_id=old.template_section_id,
            heading=old.heading,
            found=old.found,
            markdown=old.markdown,
            html=old.html,
            word_count=old.word_count,
            repeated_share=old.repeated_share,
            repeated_year=old.repeated_year,
            signals=old.signals,
            marked_html=old.marked_html,
        )
        if old.position == position:
            text.markdown = markdown
            text.html = str(render_markdown(markdown))  # only the edited part is rendered and measured again
            text.word_count = documents.count_words(markdown)
            text.found = text.found or bool(markdown)
            text.template_section = old.template_section
            measure(text, last_year(submission.cycle, submission.authority))
        texts.append(text)
    _set_sections(version, texts)
    version.warnings = version_warnings(submission.cycle, texts)
    try:
        db.session.flush()
    except IntegrityError as error:  # the same version number saved at the same moment; nothing is read again
        raise _someone_saved_first(None) from error
    title = current.sections[position].heading or "Text under no heading"
    template_section = current.sections[position].template_section
    if template_section is not None:
        title = template_section.title
    record_about(
        "submission_edited",
        f"{submission.authority.name} edited '{title}' (version {version.number})",
        actor,
        submission,
        version=version.number,
    )
    return version


def measure(text: SectionText, previous: LastYearsText | None) -> None:
    """Store the part's signals (business as usual, evidence, and text repeated from the same section of
    last year's self-assessment, when there is one), its HTML with their passages marked, and the sentences
    that can state a figure."""
    title = text.template_section.title if text.template_section else None
    if previous is None:
        measured = measure_html(text.html)
    else:
        measured = measure_html(text.html, previous.html_for(title), previous.year)
    text.repeated_share = measured.repeated_share
    text.repeated_year = previous.year if previous is not None else None
    text.signals = measured.signals
    text.marked_html = measured.marked_html
    text.figure_sentences = [list(span) for span in figure_sentences(text.markdown)]


def version_warnings(cycle: Cycle, texts: list[SectionText]) -> list[str]:
    """The same warnings an upload gives, for a version's sections as they now stand."""
    by_section = {text.template_section_id: text for text in texts if text.template_section_id}
    parts = []
    for index, section in enumerate(cycle.sections):
        text = by_section.get(section.id)
        parts.append(
            documents.SectionText(
                title=section.title,
                index=index,
                markdown=text.markdown if text else "",
                word_count=text.word_count if text else 0,
                suggested_words=section.suggested_words,
                found=bool(text and text.found),
                heading=text.heading if text else None,
            )
        )
    return documents.section_warnings(parts, section_specs(cycle))


def sign_off(actor: User, submission: Submission) -> None:
    """The director signs off the self-assessment as it now stands; late if after the due date."""
    lock_for_update(submission)
    _require_open(submission.cycle, submission)
    if submission.is_signed_off:
        raise ServiceError("This self-assessment is already signed off")
    if submission.current_version is None:
        raise ServiceError("Upload the self-assessment before signing it off")
    submission.state = SubmissionState.SIGNED_OFF
    submission.signed_off_at = utcnow()
    submission.signed_off_by = actor
    late = " (late)" if submission.is_late else ""
    record_about(
        "submission_signed_off",
        f"{submission.authority.name}'s self-assessment was signed off{late}",
        actor,
        submission,
        version=submission.current_version.number,
        late=submission.is_late,
    )


def mark_ready(actor: User, submission: Submission) -> None:
    """A contributor says the draft is finished: the director is emailed and asked to sign it off."""
    lock_for_update(submission)
    _require_editable(submission.cycle, submission)
    version = submission.current_version
    if version is None:
        raise ServiceError("Upload the self-assessment before marking it ready")
    if submission.ready_by is not None:
        raise ServiceError(f"This self-assessment was already marked ready by {submission.ready_by.name}")
    submission.mark_ready(actor)
    authority, cycle = submission.authority, submission.cycle
    record_about(
        "submission_marked_ready",
        f"{authority.name}'s self-assessment was marked ready for sign-off by {actor.name}",
        actor,
        submission,
        version=version.number,
    )
    for director in authority_users(authority.id, Role.DIRECTOR):
        queue_email(
            director,
            "submission_ready",
            f"{cycle.title}: {authority.name}'s self-assessment is ready for you to sign off",
            f"Dear {director.how_to_address},\n\n{actor.name} has marked version {version.number} of "
            f"{authority.name}'s self-assessment ready. Read it and sign it off by "
            f"{uk_date(cycle.submissions_due_on)}:\n"
            f"{public_url('submissions.view', cycle_id=cycle.id, authority_id=authority.id)}\n",
            region_id=cycle.region_id,
        )


def _not_reopenable(cycle: Cycle) -> str:
    return closed_reason(cycle) if cycle.is_closed else "This cycle is no longer open for self-assessments"


def reopen(actor: User, submission: Submission) -> None:
    """The lead reopens a signed-off self-assessment so the authority can change it again.

    Once reviews have started, the lead may reopen one authority's self-assessment, signed off or not (a late
    authority), so that it alone can still upload and sign off while the cycle is reviewing.
    """
    lock_for_update(submission)
    cycle = submission.cycle
    late = cycle.reopens_late
    if not (cycle.accepts_submissions or late):
        raise ServiceError(_not_reopenable(cycle))
    if late and not submission.is_signed_off:
        if submission.reopened_late:
            raise ServiceError("This self-assessment is already reopened")
    elif not submission.is_signed_off:
        raise ServiceError("This self-assessment is not signed off")
    if reviews_started(submission):
        raise ServiceError(
            "Peers have started reviewing this self-assessment, so it cannot be reopened: "
            "their reviews would no longer match the text."
        )
    submission.state = SubmissionState.DRAFT
    submission.signed_off_at = None
    submission.signed_off_by = None
    submission.reopened_late = late
    submission.clear_ready()
    record_about(
        "submission_reopened",
        f"{submission.authority.name}'s self-assessment was reopened",
        actor,
        submission,
    )


def reopen_for(actor: User, cycle: Cycle, authority: Authority) -> Submission:
    """Reopen an authority's self-assessment, starting it if the authority never uploaded (a late one)."""
    submission = find_submission(cycle, authority)
    if submission is None:
        if cycle.accepts_submissions:
            raise ServiceError("Nothing has been uploaded, so there is nothing to reopen")
        if not cycle.reopens_late:
            raise ServiceError(_not_reopenable(cycle))
        submission = _new_submission(cycle, authority)
    reopen(actor, submission)
    return submission


def reopenable(cycle: Cycle, submission: Submission | None) -> bool:
    """Whether the lead may reopen it now: signed off while open; while reviewing, not yet open to them."""
    if cycle.accepts_submissions:
        return submission is not None and submission.is_signed_off
    if cycle.reopens_late:
        return submission is None or submission.is_signed_off or not submission.reopened_late
    return False


def reviews_started(submission: Submission) -> bool:
    """Whether any peer has saved a review of this self-assessment under a published assignment."""
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(Review.id))
            .join(Assignment, Review.assignment_id == Assignment.id)
            .where(
                Assignment.cycle_id == submission.cycle_id,
                Assignment.reviewed_id == submission.authority_id,
                Assignment.state == AssignmentState.PUBLISHED,
            )
        )
    )


def record_download(actor: User, cycle: Cycle, authority: Authority, number: int) -> None:
    """Audit a download of the original file of one version."""
    record_about(
        "submission_downloaded",
        f"The original file of {authority.name}'s version {number} was downloaded",
        actor,
        authority,
        cycle_id=cycle.id,
        version=number,
    )

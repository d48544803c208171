"""The scrutiny pack of a released letter: its summary, the actions on it, the letter and the response.

It is made at its first download and kept (PackFile) with the hash of what it was made from; a download
after an action, the response or the letter changed makes it again, in place, under the letter's row lock so
that two workers make it once.
"""

import sqlalchemy as sa

from peerchallenge.accounts.models import User
from peerchallenge.actions.models import PackFile
from peerchallenge.actions.queries import letter_actions
from peerchallenge.audit.services import record_about
from peerchallenge.letters import services as letter_services
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.files import current_file, letter_details
from peerchallenge.letters.models import Letter
from peerchallenge.letters.pack import ActionLine, PackDetails, pack_docx


def pack_details(letter: Letter) -> PackDetails:
    """What the pack is made from: the letter's headline and points (as the lead chose them, or the service's
    first choice for a letter composed before points were chosen), its actions and its response."""
    headline, points = letter_services.letter_points(letter)
    return PackDetails(
        letter=letter_details(letter),
        cycle_title=letter.cycle.title,
        headline=headline,
        strengths=points[PointKind.STRENGTH],
        areas=points[PointKind.CONSIDERATION],
        actions=[
            ActionLine(action.what, action.owner, action.due_on, action.status_text)
            for action in letter_actions(letter)
        ],
        response_html=letter.response_html if letter.has_response else "",
    )


def pack_file(letter: Letter) -> PackFile:
    """The pack as the letter, its actions and its response stand now: the kept one, or made now and kept."""
    details = pack_details(letter)
    return current_file(
        details,
        lambda: pack_docx(details),
        letter,
        sa.select(PackFile).where(PackFile.letter_id == letter.id),
        lambda sha256, data: PackFile(letter=letter, source_sha256=sha256, data=data),
    )


def record_pack_download(actor: User, letter: Letter) -> None:
    """Audit a download of the pack (the route keeps the file: `page_cache.kept_file`)."""
    record_about(
        "pack_downloaded", f"{actor.name} downloaded {letter.authority.name}'s scrutiny pack", actor, letter
    )

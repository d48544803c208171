"""The scrutiny pack of a released letter: its summary, the actions on it, the letter and the response."""

from peerchallenge.accounts.models import User
from peerchallenge.actions.queries import letter_actions
from peerchallenge.audit.services import record_about
from peerchallenge.letters import services as letter_services
from peerchallenge.letters.choice import PointKind
from peerchallenge.letters.files import letter_details
from peerchallenge.letters.models import Letter
from peerchallenge.letters.pack import ActionLine, PackDetails, pack_docx


def pack_details(letter: Letter) -> PackDetails:
    """What the pack is made from: the letter's headline and points (as the lead chose them, or the service's
    first choice for a letter composed before points were chosen), its actions and its response."""
    composed, ranked = letter_services.candidates_for(letter)
    headline, rows = letter_services.compose_rows(letter, composed, ranked)

    def chosen(kind: PointKind) -> list[str]:
        return [row.text for row in rows[kind] if row.include]

    return PackDetails(
        letter=letter_details(letter),
        cycle_title=letter.cycle.title,
        headline=headline,
        strengths=chosen(PointKind.STRENGTH),
        areas=chosen(PointKind.CONSIDERATION),
        actions=[
            ActionLine(action.what, action.owner, action.due_on, action.status_text)
            for action in letter_actions(letter)
        ],
        response_html=letter.response_html if letter.has_response else "",
    )


def download_pack(actor: User, letter: Letter) -> bytes:
    """The pack as a Word file, made now (the actions change through the year), audited."""
    data = pack_docx(pack_details(letter))
    record_about(
        "pack_downloaded", f"{actor.name} downloaded {letter.authority.name}'s scrutiny pack", actor, letter
    )
    return data

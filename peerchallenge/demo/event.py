"""The South East's challenge event in the demo: held today, a session per peer group, in every state.

The first triad's session (chaired by the lead) finished this morning: all three members' letters were
released first, so its agreed actions are now the members' actions, and its outcome notes are released (the
first member's), approved (the second's) and a draft (the third's). The second triad's session is under way,
chaired by a director from another group: two notes recorded and an action agreed. The others are scheduled.

To release the first triad's letters, its other members' reviews are submitted and the cycle is taken to
consolidating and back to reviewing, as the Eastern demo does for its letters (demo/cycle.py).
"""

from datetime import date, datetime, time, timedelta

from peerchallenge.accounts.models import User
from peerchallenge.assignments.models import AssignmentState, ReviewGroup
from peerchallenge.assignments.queries import cycle_groups
from peerchallenge.cycles import lifecycle
from peerchallenge.cycles.models import Cycle, CycleState
from peerchallenge.dates import UK_TIME
from peerchallenge.demo.cycle import choose_demo_points, director, write_reviews
from peerchallenge.events import services
from peerchallenge.events.models import ChallengeEvent, EventSession
from peerchallenge.events.queries import agenda
from peerchallenge.events.services import AgreedFields, EventDetails
from peerchallenge.extensions import db
from peerchallenge.letters import services as letter_services
from peerchallenge.letters.services import find_letter
from peerchallenge.regions.models import Authority

PLACE = "Council chamber, County Hall, Maidstone"
ONLINE_LINK = "https://teams.microsoft.com/l/meetup-join/south-east-peer-challenge"

# What was said on a key line of enquiry, as a chair notes it: {host} and {peer} are filled in.
NOTES = [
    "{host}'s DCS set out the evidence: monthly practice audits, the children in care council's feedback "
    "and the quarterly performance report. {peer} asked how far the audits show impact for children "
    "rather than compliance with timescales.\n\n- Agreed the next audit report will say what changed for "
    "the children audited.",
    "Discussion centred on the front door: re-referrals, the threshold document and how decisions are "
    "checked. {peer} described its monthly dip-sample of strategy discussions with police and health; "
    "{host} will try the same for a quarter.",
    "{host} accepted that this part of its self-assessment describes structures more than impact. Peers "
    "suggested one case example and two measures in place of the current three pages.",
    "Workforce: agency social workers are down, but caseloads in the assessment teams remain high. {peer} "
    "offered to share its recruitment and retention offer for newly qualified social workers.",
]
# Actions agreed in a session, as owners and due dates are set on the day.
ACTIONS = [
    (
        "Share the edge-of-care panel's terms of reference and its last two quarterly reviews with {peer}",
        "Head of Service, Children in Care",
        60,
    ),
    (
        "Dip-sample 20 strategy discussions with police and health partners and report the findings to the "
        "safeguarding partnership",
        "Principal Social Worker",
        90,
    ),
    (
        "Rewrite the workforce section around caseloads, agency use and supervision, using the data pack's "
        "figures",
        "Assistant Director, Quality and Improvement",
        150,
    ),
]


def _uk(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UK_TIME)


def _release_letters(cycle: Cycle, lead: User, group: ReviewGroup) -> None:
    """Every member's reviews submitted, its letter composed by choice, approved and released."""
    pending = [member for member in group.members if find_letter(cycle, member) is None]
    write_reviews(cycle, [("submit",) * (len(group.members) - 1)] * len(pending), first=pending)
    db.session.flush()
    lifecycle.move_on(lead, cycle, CycleState.REVIEWING)
    for member in group.members:
        letter = find_letter(cycle, member)
        assert letter is not None  # composed as the last of its reviews arrived
        choose_demo_points(lead, letter)
        letter_services.approve(lead, letter)
        letter_services.release(lead, letter)
    lifecycle.move_back(lead, cycle, CycleState.CONSOLIDATING)


def _peer(session: EventSession, host: Authority) -> str:
    return next(member.name for member in session.authorities if member.id != host.id)


def _record(lead: User, session: EventSession, today: date, *, notes_each: int, actions_each: int) -> None:
    """Notes on the first key lines of each authority and actions agreed, by the session's chair."""
    chair = session.chair or lead
    turn = 0
    for item in agenda(session):
        peer = _peer(session, item.authority)
        for point in item.points[:notes_each]:
            text = NOTES[turn % len(NOTES)].format(host=item.authority.name, peer=peer)
            services.save_note(chair, session, point.id, text, 0)
            turn += 1
        for number in range(actions_each):
            what, owner, days = ACTIONS[(turn + number) % len(ACTIONS)]
            answers = f"p-{item.points[number].id}" if number < len(item.points) else f"a-{item.authority.id}"
            fields = AgreedFields(answers, what.format(peer=peer), owner, today + timedelta(days=days))
            services.add_agreed_action(chair, session, fields)


def seed_event(cycle: Cycle, lead: User, today: date) -> ChallengeEvent:
    """The cycle's event, held today, its sessions in every state."""
    groups = cycle_groups(cycle, AssignmentState.PUBLISHED)
    triads = [group for group in groups if len(group.members) == cycle.group_size]
    finished_group, running_group = triads[0], triads[1]
    _release_letters(cycle, lead, finished_group)
    event = services.create_event(lead, cycle, EventDetails(today, PLACE, ONLINE_LINK))
    sessions = {session.review_group_id: session for session in event.sessions}
    order = [finished_group, running_group, *(group for group in groups if group not in triads[:2])]
    outsider = director(triads[-1].members[0])  # chairs the session under way: not one of its members
    for number, group in enumerate(order):
        session = sessions[group.id]
        starts = _uk(today, 9, 30) + timedelta(minutes=75 * number)
        chair = outsider.id if group is running_group else None
        services.update_session(
            lead, session, f"{starts:%H:%M}", f"{starts + timedelta(hours=1):%H:%M}", chair, session.version
        )
    finished, running = sessions[finished_group.id], sessions[running_group.id]
    services.start_session(lead, finished)
    _record(lead, finished, today, notes_each=2, actions_each=1)
    services.finish_session(lead, finished)
    finished.started_at, finished.finished_at = _uk(today, 9, 30), _uk(today, 10, 30)
    first, second, _draft = sorted(finished.outcome_notes, key=lambda note: note.authority.name)
    for note in (first, second):
        services.approve_outcome(lead, note)
    services.release_outcome(lead, first)
    services.start_session(outsider, running)
    _record(lead, running, today, notes_each=2, actions_each=0)
    first_host = agenda(running)[0]
    if first_host.points:
        what, owner, days = ACTIONS[0]
        fields = AgreedFields(
            f"p-{first_host.points[0].id}",
            what.format(peer=_peer(running, first_host.authority)),
            owner,
            today + timedelta(days=days),
        )
        services.add_agreed_action(outsider, running, fields)
    running.started_at = _uk(today, 10, 45)
    db.session.flush()
    return event

"""Open tasks: who must do what by when, in a fixed number of queries; and "Your tasks" on the home page.

Region A of the world: Alpha (director Dana, contributor Cal) and Beta (director Sid), lead Lee.
"""

import html
import re
from datetime import date, timedelta

import pytest

from peerchallenge.accounts.models import Role
from peerchallenge.cycles.models import CycleState
from peerchallenge.dates import uk_today
from peerchallenge.errors import ServiceError
from peerchallenge.extensions import db, utcnow
from peerchallenge.letters.models import Letter, LetterState
from peerchallenge.monitoring.tasks import TaskKind, cycle_tasks, open_cycles, user_tasks
from tests import factories
from tests.monitoring.builders import (
    counting_queries,
    delegate,
    publish_pair,
    release_letter,
    sign_off,
    submit_review,
    upload,
)
from tests.scenarios import open_cycle

# Setting up goes through the services where they exist (their routes are tested elsewhere).


def by_key(tasks):
    return {task.key: task for task in tasks}


DUE = date(2030, 3, 14)


@pytest.fixture
def cycle(world):
    return open_cycle(world, due=DUE)


def test_open_cycle_tasks_name_who_must_do_what_and_by_when(world, cycle):
    upload(world.contributor, cycle, world.authority)  # Alpha: to sign off; Beta: to upload
    review = publish_pair(cycle, world.authority, world.sibling)
    delegate(world, world.contributor)
    other_contributor = factories.make_user((Role.CONTRIBUTOR, world.authority), name="Cora Contributor")

    tasks = by_key(cycle_tasks([cycle]))

    c, alpha, beta = cycle.id, world.authority.id, world.sibling.id
    assert set(tasks) == {f"c{c}:signoff:a{alpha}", f"c{c}:upload:a{beta}", f"c{c}:review:as{review.id}"}
    sign = tasks[f"c{c}:signoff:a{alpha}"]
    assert (sign.kind, sign.title, sign.due_on) == (
        TaskKind.SIGN_OFF,
        "Sign off Alpha's self-assessment",
        DUE,
    )
    assert sign.user_ids == {world.director.id}
    assert sign.url == f"/cycles/{c}/authorities/{alpha}/self-assessment"
    upload_beta = tasks[f"c{c}:upload:a{beta}"]
    assert upload_beta.title == "Upload Beta's self-assessment"
    assert upload_beta.user_ids == {world.sibling_director.id}
    write = tasks[f"c{c}:review:as{review.id}"]
    assert write.title == "Write your review of Beta's self-assessment"
    assert write.due_on == cycle.reviews_due_on
    assert write.user_ids == {world.director.id, world.contributor.id}  # not Cora: she is no delegate
    assert other_contributor.id not in write.user_ids
    assert write.waiting_for == "Waiting for Beta's sign-off"
    assert write.url == "/reviews"  # their review list, until Beta signs off
    assert write.lead_title == "Alpha has not submitted its review of Beta's self-assessment"
    # Most urgent first: the self-assessment tasks are due before the review.
    assert [task.kind for task in cycle_tasks([cycle])][-1] == TaskKind.REVIEW


def test_upload_is_for_the_director_and_contributors_and_done_tasks_disappear(world, cycle):
    task = by_key(cycle_tasks([cycle]))[f"c{cycle.id}:upload:a{world.authority.id}"]
    assert task.user_ids == {world.director.id, world.contributor.id}

    sign_off(world.director, world.contributor, cycle, world.authority)
    review = publish_pair(cycle, world.sibling, world.authority)
    tasks = by_key(cycle_tasks([cycle]))
    assert not [key for key in tasks if key.endswith(f":a{world.authority.id}")]
    assert tasks[f"c{cycle.id}:review:as{review.id}"].url == f"/reviews/{review.id}"  # Alpha is signed off
    assert tasks[f"c{cycle.id}:review:as{review.id}"].waiting_for == ""

    submit_review(review, world.sibling_director)
    assert f"c{cycle.id}:review:as{review.id}" not in by_key(cycle_tasks([cycle]))


def test_deactivated_people_and_lapsed_delegates_are_left_out(world, cycle):
    review = publish_pair(cycle, world.authority, world.sibling)
    delegate(world, world.contributor)
    world.director.active = False
    db.session.commit()
    assert by_key(cycle_tasks([cycle]))[f"c{cycle.id}:review:as{review.id}"].user_ids == {
        world.contributor.id
    }

    # A delegate who is no longer a contributor of the authority drafts no more reviews.
    world.contributor.grants.clear()
    db.session.commit()
    assert by_key(cycle_tasks([cycle]))[f"c{cycle.id}:review:as{review.id}"].user_ids == frozenset()


def test_a_persons_tasks_are_their_own_whatever_their_role(world, cycle):
    review = publish_pair(cycle, world.authority, world.sibling)
    delegate(world, world.contributor)
    c, alpha, beta = cycle.id, world.authority.id, world.sibling.id

    assert [task.key for task in user_tasks(world.director)] == [
        f"c{c}:upload:a{alpha}",
        f"c{c}:review:as{review.id}",
    ]
    assert [task.key for task in user_tasks(world.contributor)] == [
        f"c{c}:upload:a{alpha}",
        f"c{c}:review:as{review.id}",
    ]
    assert [task.key for task in user_tasks(world.sibling_director)] == [f"c{c}:upload:a{beta}"]
    assert user_tasks(world.other_director) == user_tasks(world.lead) == user_tasks(world.no_role) == []
    # A region runs one cycle at a time, so a second cycle in region A cannot open and add tasks.
    with pytest.raises(ServiceError, match="is under way in this region"):
        open_cycle(world, due=DUE)
    db.session.rollback()
    assert len(user_tasks(world.director)) == 2


def test_only_cycles_under_way_have_tasks_and_upload_only_while_open(world, cycle):
    draft = open_cycle(world, due=DUE, draft=True)
    assert open_cycles() == [cycle]
    assert draft.state == CycleState.DRAFT

    review = publish_pair(cycle, world.authority, world.sibling)
    cycle.state = CycleState.REVIEWING
    db.session.commit()
    assert set(by_key(cycle_tasks([cycle]))) == {f"c{cycle.id}:review:as{review.id}"}

    cycle.state = CycleState.CLOSED
    db.session.commit()
    assert open_cycles() == []


def test_a_released_letter_is_an_undated_task_until_the_authority_responds(world, cycle):
    cycle.state = CycleState.RELEASED
    db.session.commit()
    letter = release_letter(cycle, world.authority)
    unreleased = Letter(cycle=cycle, authority=world.sibling, state=LetterState.APPROVED)
    db.session.add(unreleased)
    db.session.commit()

    tasks = by_key(cycle_tasks([cycle]))
    assert set(tasks) == {f"c{cycle.id}:letter:l{letter.id}"}
    task = tasks[f"c{cycle.id}:letter:l{letter.id}"]
    assert task.title == "Read and respond to Alpha's challenge letter"
    assert task.due_on is None
    assert task.user_ids == {world.director.id, world.contributor.id}

    letter.response, letter.responded_at = "We will act on it.", utcnow()
    db.session.commit()
    assert cycle_tasks([cycle]) == []


def test_reading_the_tasks_takes_the_same_queries_however_many_there_are(world, cycle):
    publish_pair(cycle, world.authority, world.sibling)
    with counting_queries() as few:
        small = cycle_tasks(open_cycles())

    more = [factories.make_authority(world.region) for _ in range(4)]
    for authority in more:
        factories.make_user((Role.DIRECTOR, authority))
        factories.make_user((Role.CONTRIBUTOR, authority))
        publish_pair(cycle, authority, world.authority)
    release_letter(cycle, world.sibling)
    db.session.expire_all()
    with counting_queries() as many:
        large = cycle_tasks(open_cycles())

    assert len(large) > len(small) + 8
    assert len(many) == len(few)


# The home page.


def home_tasks(page: str) -> list[str]:
    """The task titles in "Your tasks", in order."""
    section = page.split('id="your-tasks"', 1)[1].split("</section>", 1)[0]
    cells = re.findall(r'<th scope="row"[^>]*>(.*?)</th>', section, re.S)
    return [html.unescape(re.sub(r"\s*<[^>]+>\s*", "\n", cell)).strip() for cell in cells]


def test_home_lists_a_directors_tasks_most_urgent_first_with_due_dates(world, cycle, sign_in):
    today = uk_today()
    cycle.submissions_due_on = today - timedelta(days=3)
    cycle.opens_on = today - timedelta(days=30)
    cycle.reviews_due_on = today + timedelta(days=5)
    db.session.commit()
    upload(world.contributor, cycle, world.authority)
    review = publish_pair(cycle, world.authority, world.sibling)
    letter = release_letter(cycle, world.authority)

    page = sign_in(world.director).get("/").get_data(as_text=True)

    assert "Your tasks" in page
    titles = home_tasks(page)
    assert [title.split("\n")[0].strip() for title in titles] == [
        "Sign off Alpha's self-assessment",
        "Write your review of Beta's self-assessment",
        "Read and respond to Alpha's challenge letter",
    ]
    assert "Waiting for Beta's sign-off" in titles[1]
    assert "Overdue by 3 days" in page and "Due in 5 days" in page and "No deadline" in page
    assert f'href="/cycles/{cycle.id}/authorities/{world.authority.id}/self-assessment">Sign off' in page
    assert 'href="/reviews">Write your review' in page
    assert f'data-task="c{cycle.id}:letter:l{letter.id}"' in page
    assert f'data-task="c{cycle.id}:review:as{review.id}"' in page
    # The rest of the home page is still there.
    assert "Self-assessments you review" in page and "Declare a conflict with another authority" in page


def test_home_shows_a_contributor_only_their_own_tasks(world, cycle, sign_in):
    today = uk_today()
    cycle.submissions_due_on = today
    db.session.commit()

    page = sign_in(world.contributor).get("/").get_data(as_text=True)
    assert home_tasks(page) == ["Upload Alpha's self-assessment"]
    assert "Due today" in page

    upload(world.contributor, cycle, world.authority)
    page = sign_in(world.contributor).get("/").get_data(as_text=True)
    assert home_tasks(page) == []
    assert "You have no tasks to do at the moment." in page


def test_home_has_no_tasks_section_for_a_lead_alone(world, cycle, sign_in):
    page = sign_in(world.lead).get("/").get_data(as_text=True)
    assert "Your tasks" not in page
    assert "Region A region" in page


def test_home_takes_the_same_queries_however_many_tasks(world, cycle, sign_in):
    publish_pair(cycle, world.authority, world.sibling)
    client = sign_in(world.director)
    with counting_queries() as few:
        assert len(home_tasks(client.get("/").get_data(as_text=True))) == 2
    for authority in [factories.make_authority(world.region) for _ in range(3)]:
        publish_pair(cycle, world.authority, authority)
    with counting_queries() as many:
        assert len(home_tasks(client.get("/").get_data(as_text=True))) == 5
    assert len(many) == len(few)

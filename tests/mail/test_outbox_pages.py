"""The outbox pages: who reads which message, what the pages show, and asking for another try."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from peerchallenge.audit.models import AuditEvent
from peerchallenge.extensions import db, utcnow
from peerchallenge.mail.models import EmailStatus, OutboxEmail
from tests.factories import PASSWORD
from tests.mail.conftest import reload
from tests.pages import assert_outcome, read_table

# Column headings and the world's people they stand for ("lead" leads region A, "lead_B" region B).
PEOPLE = {
    "anon": "anonymous",
    "norole": "no_role",
    "contrib": "contributor",
    "dcs": "director",
    "lead": "lead",
    "lead_B": "other_lead",
    "admin": "admin",
}

# {A}, {B} and {none}: a failed message about region A, one about region B, and one about no region.
PAGES = """
page                  anon   norole contrib dcs    lead   lead_B admin
/outbox               login  403    403     403    200    200    200
/outbox?status=failed login  403    403     403    200    200    200
/outbox/{A}           login  403    403     403    200    404    200
/outbox/{B}           login  403    403     403    404    200    200
/outbox/{none}        login  403    403     403    404    404    200
/outbox/999999        login  403    403     403    404    404    404
"""

# "Try again now", sent with a valid form; 302 means the next try was brought forward.
ACTIONS = """
action                anon   norole contrib dcs    lead   lead_B admin
/outbox/{A}/retry     login  403    403     403    302    404    302
/outbox/{B}/retry     login  403    403     403    404    302    302
/outbox/{none}/retry  login  403    403     403    404    404    302
"""

LATER = datetime(2030, 1, 1, tzinfo=UTC)


@pytest.fixture
def messages(world, queue) -> dict[str, OutboxEmail]:
    """A failed message in each region and one with no region, waiting for a retry far off."""
    failed = {
        "status": EmailStatus.FAILED,
        "attempts": 3,
        "last_error": "451 try later",
        "next_attempt_at": LATER,
    }
    return {
        "A": queue(world.director, subject="About region A", region_id=world.region.id, **failed),
        "B": queue(world.other_director, subject="About region B", region_id=world.other_region.id, **failed),
        "none": queue(world.admin, subject="About no region", region_id=None, **failed),
    }


def fill_in(path: str, messages) -> str:
    return path.format(**{name: email.id for name, email in messages.items()})


@pytest.mark.parametrize(("path", "person", "expected"), read_table(PAGES))
def test_who_reads_which_page(messages, client_for, path, person, expected):
    url = fill_in(path, messages)

    response = client_for(person).get(url)

    assert_outcome(response, url, expected)


@pytest.mark.parametrize(("path", "person", "expected"), read_table(ACTIONS))
def test_who_may_ask_for_another_try(messages, client_for, path, person, expected):
    url = fill_in(path, messages)
    email = messages[path.split("/")[2].strip("{}")]

    response = client_for(person).post(url)

    assert_outcome(response, url, expected)
    next_attempt = reload(email).next_attempt_at
    if expected == "302":
        assert response.headers["Location"] == f"/outbox/{email.id}"
        assert next_attempt <= utcnow()
    else:
        assert next_attempt == LATER


def rows(html: str) -> list[str]:
    body = html.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in body.split("</tr>")[:-1]]


def test_a_lead_sees_only_the_messages_about_their_regions(messages, sign_in, world):
    page = sign_in(world.lead).get("/outbox").get_data(as_text=True)

    assert "About region A" in page
    assert "About region B" not in page
    assert "About no region" not in page


def test_the_admin_sees_every_message(messages, sign_in, world):
    page = sign_in(world.admin).get("/outbox").get_data(as_text=True)

    assert len(rows(page)) == 3


@pytest.fixture
def smtp_set_up(app):
    """The pages only read whether a mail server is set; nothing is sent from them."""
    app.config["MAIL_SMTP_HOST"] = "smtp.test.example"


@pytest.fixture
def no_smtp(app):
    app.config["MAIL_SMTP_HOST"] = ""


def test_the_table_shows_time_in_uk_time_and_status_in_words(queue, sign_in, world, smtp_set_up):
    summer = datetime(2026, 7, 1, 12, 5, tzinfo=UTC)
    queue(subject="Queued one", created_at=summer, kind="assignment_published")
    queue(subject="Sent one", created_at=summer - timedelta(hours=1), status=EmailStatus.SENT, attempts=1)
    queue(
        subject="Failed one",
        created_at=summer - timedelta(hours=2),
        status=EmailStatus.FAILED,
        attempts=2,
        next_attempt_at=LATER,
    )

    page = sign_in(world.lead).get("/outbox").get_data(as_text=True)

    to = world.director.email
    assert rows(page) == [
        f"1 July 2026 at 1:05pm {to} Queued one Assignment published Queued 0",
        f"1 July 2026 at 12:05pm {to} Sent one Assignment published Sent 1",
        f"1 July 2026 at 11:05am {to} Failed one Assignment published Failed "
        "will retry at 1 January 2030 at 12:00am 2",
    ]
    assert "This service is not set up to send email" not in page
    assert "All (3)" in page and "Queued (1)" in page and "Sent (1)" in page and "Failed (1)" in page


def test_without_smtp_the_outbox_says_messages_stay_here(queue, sign_in, world, no_smtp):
    queue(subject="Failed one", status=EmailStatus.FAILED, attempts=1, next_attempt_at=LATER)

    page = sign_in(world.lead).get("/outbox").get_data(as_text=True)

    assert "This service is not set up to send email, so messages stay here." in page
    assert rows(page)[0].endswith("Failed will retry when the service is set up to send email 1")


def test_the_list_filters_by_status(queue, sign_in, world):
    queue(subject="Still waiting")
    queue(subject="Gone out", status=EmailStatus.SENT)

    client = sign_in(world.lead)
    sent = client.get("/outbox?status=sent").get_data(as_text=True)
    queued = client.get("/outbox?status=queued").get_data(as_text=True)
    failed = client.get("/outbox?status=failed").get_data(as_text=True)

    assert [row.split(" Assignment")[0].split(world.director.email)[1].strip() for row in rows(sent)] == [
        "Gone out"
    ]
    assert "Still waiting" in queued and "Gone out" not in queued
    assert "No failed messages." in failed


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("status=lost", "Choose a status from the list: queued, sent or failed."),
        ("page=0", "The page number must be a whole number, 1 or more."),
        ("page=two", "The page number must be a whole number, 1 or more."),
        ("page=99999999999999999999", "The page number must be a whole number, 1 or more."),
        ("page=%C2%B2", "The page number must be a whole number, 1 or more."),
    ],
)
def test_a_bad_filter_is_a_clear_400(sign_in, world, query, message):
    response = sign_in(world.lead).get(f"/outbox?{query}")

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_fifty_messages_a_page(queue, sign_in, world):
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    for number in range(51):
        queue(subject=f"Message {number}", created_at=start + timedelta(minutes=number))
    client = sign_in(world.lead)

    first = client.get("/outbox").get_data(as_text=True)
    second = client.get("/outbox?page=2").get_data(as_text=True)

    assert len(rows(first)) == 50
    assert "Message 50" in rows(first)[0]
    assert "51 messages, newest first: page 1 of 2" in first
    assert 'href="/outbox?page=2"' in first
    assert len(rows(second)) == 1
    assert "Message 0" in rows(second)[0]
    assert client.get("/outbox?page=3").status_code == 404


def test_the_filter_is_kept_from_page_to_page(queue, sign_in, world):
    for number in range(51):
        queue(subject=f"Failed {number}", status=EmailStatus.FAILED, next_attempt_at=LATER)

    page = sign_in(world.lead).get("/outbox?status=failed").get_data(as_text=True)

    assert 'href="/outbox?status=failed&amp;page=2"' in page


def count_queries(client, url: str) -> int:
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", record)
    return len(statements)


def test_the_list_takes_the_same_number_of_queries_however_many_messages(queue, sign_in, world):
    client = sign_in(world.lead)
    queue()
    few = count_queries(client, "/outbox")
    for _ in range(30):
        queue()

    assert count_queries(client, "/outbox") == few


def test_a_message_is_shown_in_full_as_text_never_as_html(queue, sign_in, world, smtp_set_up):
    body = 'Dear Zoë,\n\n<script>alert("x")</script>\n<b>not bold</b>\n'
    email = queue(
        subject="Your <i>letter</i>",
        body=body,
        status=EmailStatus.FAILED,
        attempts=2,
        last_error="The mail server refused the message: 451 <later>",
        next_attempt_at=LATER,
    )

    page = sign_in(world.lead).get(f"/outbox/{email.id}").get_data(as_text=True)

    assert "<script>alert" not in page
    assert "<b>not bold</b>" not in page
    pre = page.split('id="email-body">', 1)[1].split("</pre>", 1)[0]
    assert (
        pre == "Dear Zoë,\n\n&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;\n&lt;b&gt;not bold&lt;/b&gt;\n"
    )
    assert "Your &lt;i&gt;letter&lt;/i&gt;" in page
    assert "The mail server refused the message: 451 &lt;later&gt;" in page
    assert "will retry at 1 January 2030 at 12:00am" in page
    assert "Try again now" in page


@pytest.mark.parametrize("status", [EmailStatus.QUEUED, EmailStatus.SENT])
def test_only_a_failed_message_can_be_tried_again(queue, sign_in, world, status):
    email = queue(status=status)
    client = sign_in(world.lead)

    assert "Try again now" not in client.get(f"/outbox/{email.id}").get_data(as_text=True)
    response = client.post(f"/outbox/{email.id}/retry", follow_redirects=True)

    assert "Only a message that failed to send can be tried again." in response.get_data(as_text=True)
    stored = reload(email)
    assert (stored.status, stored.next_attempt_at) == (status, None)


def test_trying_again_is_recorded_and_said(messages, sign_in, world, smtp_set_up):
    response = sign_in(world.lead).post(f"/outbox/{messages['A'].id}/retry", follow_redirects=True)

    page = response.get_data(as_text=True)
    assert "The service will try to send this message again in the next few minutes." in page
    assert "will retry at the next delivery run" in page
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "email_retry_requested"))
    assert event.actor_id == world.lead.id
    assert event.region_id == world.region.id
    assert event.details == {"email_id": messages["A"].id}


def test_trying_again_needs_the_form_token(make_site, messages, world):
    site = make_site(WTF_CSRF_ENABLED=True)
    client = site.test_client()
    sign_in_page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', sign_in_page).group(1)
    signed_in = client.post(
        "/sign-in", data={"email": world.lead.email, "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302

    without_token = client.post(f"/outbox/{messages['A'].id}/retry")
    assert without_token.status_code == 400
    assert reload(messages["A"]).next_attempt_at == LATER

    with_token = client.post(f"/outbox/{messages['A'].id}/retry", data={"csrf_token": token})
    assert with_token.status_code == 302
    assert reload(messages["A"]).next_attempt_at < LATER


def test_a_kept_outbox_page_lasts_only_until_a_failed_message_is_due(queue, sign_in, world, smtp_set_up):
    """Nothing is written when a retry falls due, so the page kept before says until when it holds
    (peerchallenge/page_cache.py keep_page_until)."""
    due = utcnow() + timedelta(seconds=1.5)
    queue(subject="Failed one", status=EmailStatus.FAILED, attempts=1, next_attempt_at=due)
    client = sign_in(world.lead)
    client.get("/outbox")  # shows the message flashed at sign-in
    page = client.get("/outbox").get_data(as_text=True)
    if utcnow() < due:
        assert "will retry at" in page and "next delivery run" not in page
    time.sleep(max(0.0, (due - utcnow()).total_seconds()) + 0.1)
    page = client.get("/outbox").get_data(as_text=True)
    assert "will retry at the next delivery run" in page


def test_the_outbox_is_kept_between_changes(queue, sign_in, world, smtp_set_up):
    queue(subject="Failed one", status=EmailStatus.FAILED, attempts=1, next_attempt_at=LATER)
    client = sign_in(world.lead)
    client.get("/outbox")  # shows the message flashed at sign-in
    client.get("/outbox")
    assert count_queries(client, "/outbox") == 1  # the person, with the data stamp
    queue(subject="Another")
    assert count_queries(client, "/outbox") > 1
    assert "Another" in client.get("/outbox").get_data(as_text=True)

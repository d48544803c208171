"""The audit log: append-only, who sees which events, filters, paging, CSV export, what is recorded."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_login import login_user

from peerchallenge.accounts import services as account_services
from peerchallenge.accounts.models import Role
from peerchallenge.audit import queries
from peerchallenge.audit.models import AuditEvent, AuditLogIsAppendOnly
from peerchallenge.audit.queries import CsvLines, KeptExport
from peerchallenge.audit.services import record_event
from peerchallenge.extensions import db
from peerchallenge.page_cache import AUDIT, DATA, DataStamp
from tests.factories import PASSWORD
from tests.monitoring.builders import counting_queries
from tests.scenarios import open_cycle, page_url, self_assessment_md, upload


def add_event(
    kind="cycle_opened",
    summary="Something happened",
    *,
    at=None,
    actor=None,
    authority=None,
    region=None,
    subject_user=None,
    **details,
) -> AuditEvent:
    event = record_event(
        kind,
        summary,
        actor=actor,
        region_id=(authority.region_id if authority else region.id if region else None),
        authority_id=authority.id if authority else None,
        subject_user=subject_user,
        **details,
    )
    if at is not None:
        event.occurred_at = at
    db.session.commit()
    return event


def shown_ids(response) -> list[int]:
    return [int(found) for found in re.findall(r'data-event-id="(\d+)"', response.get_data(as_text=True))]


def event_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))


def get(client, path):
    # Read the whole (streamed) body inside the request's own context, as a server would.
    return client.get(path, buffered=True)


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def spread(world):
    """One event in each region, one with no region, and a failed sign-in with an unknown email."""
    return {
        "alpha": add_event("cycle_opened", "Alpha thing", actor=world.lead, authority=world.authority),
        "beta": add_event(
            "review_saved", "Beta thing", actor=world.sibling_director, authority=world.sibling
        ),
        "region_a": add_event("conflict_declared", "Region A thing", actor=world.lead, region=world.region),
        "gamma": add_event(
            "cycle_opened", "Gamma thing", actor=world.other_lead, authority=world.other_authority
        ),
        "no_region": add_event(
            "signed_in", "Dana signed in", actor=world.director, subject_user=world.director
        ),
        "stranger": add_event("sign_in_failed", "Failed sign-in", email="stranger@elsewhere.example"),
    }


# Access ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/audit", "/audit.csv"])
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("admin", 200),
        ("lead", 200),
        ("other_lead", 200),
        ("director", 403),
        ("contributor", 403),
        ("sibling_director", 403),
        ("no_role", 403),
    ],
)
def test_who_can_read_the_audit_log(world, sign_in, client, who, path, status):
    viewer = client if who == "anonymous" else sign_in(world.user(who))
    response = get(viewer, path)
    assert response.status_code == status
    if status == 302:
        assert "/sign-in" in response.headers["Location"]


def test_admin_sees_every_event_newest_first(world, sign_in, spread):
    response = sign_in(world.admin).get("/audit")
    ids = shown_ids(response)
    # The admin's own sign-in is there too, as the newest.
    assert set(ids) >= {event.id for event in spread.values()}
    assert ids == sorted(ids, reverse=True)
    assert "stranger@elsewhere.example" in response.get_data(as_text=True)


def own_sign_ins(user) -> set[int]:
    return set(
        db.session.scalars(
            sa.select(AuditEvent.id).where(AuditEvent.kind == "signed_in", AuditEvent.actor_id == user.id)
        )
    )


def test_a_lead_sees_its_regions_events_and_its_peoples_sign_ins(world, sign_in, spread):
    # The director's sign-in has no region, but the director holds a role in the lead's region.
    expected = {spread[name].id for name in ("alpha", "beta", "region_a", "no_region")}
    lead_sees = set(shown_ids(sign_in(world.lead).get("/audit")))
    assert lead_sees == expected | own_sign_ins(world.lead)
    other_sees = set(shown_ids(sign_in(world.other_lead).get("/audit")))
    assert other_sees == {spread["gamma"].id} | own_sign_ins(world.other_lead)


def test_a_lead_cannot_filter_or_export_another_regions_authority(world, sign_in, spread):
    lead = sign_in(world.lead)
    page = lead.get("/audit")
    assert "Alpha" in page.get_data(as_text=True) and "Gamma" not in page.get_data(as_text=True)
    refused = lead.get(f"/audit?authority={world.other_authority.id}")
    assert refused.status_code == 400
    assert "Select an authority from the list" in refused.get_data(as_text=True)
    assert shown_ids(refused) == []
    assert get(lead, f"/audit.csv?authority={world.other_authority.id}").status_code == 400


# Filters --------------------------------------------------------------------------------------------------


def test_filter_by_authority(world, sign_in, spread):
    ids = shown_ids(sign_in(world.admin).get(f"/audit?authority={world.sibling.id}"))
    assert ids == [spread["beta"].id]


def test_filter_by_kind_offers_only_the_kinds_present(world, sign_in, spread):
    lead = sign_in(world.lead)
    page = lead.get("/audit").get_data(as_text=True)
    assert 'value="review_saved"' in page and 'value="cycle_opened"' in page
    assert 'value="sign_in_failed"' not in page  # only admins see those
    assert shown_ids(lead.get("/audit?kind=cycle_opened")) == [spread["alpha"].id]
    junk = lead.get("/audit?kind=sign_in_failed")
    assert junk.status_code == 400
    assert "Select a kind of event from the list" in junk.get_data(as_text=True)


def test_filter_by_person_matches_actor_subject_and_typed_email(world, sign_in, spread):
    admin = sign_in(world.admin)
    by_name = set(shown_ids(admin.get("/audit?user=SID SIB")))
    assert by_name == {spread["beta"].id}
    added = add_event(
        "role_granted",
        "Cal became contributor",
        actor=world.lead,
        subject_user=world.contributor,
        authority=world.authority,
    )
    by_email = set(shown_ids(admin.get(f"/audit?user={world.contributor.email}")))
    assert by_email == {added.id}
    assert shown_ids(admin.get("/audit?user=stranger@")) == [spread["stranger"].id]
    # LIKE wildcards are taken literally.
    assert shown_ids(admin.get("/audit?user=%25")) == []
    assert admin.get("/audit?user=a%00b").status_code == 400


def test_filter_by_uk_days_is_inclusive_and_follows_summer_time(world, sign_in):
    # 23:30 UTC on 30 June is 00:30 on 1 July in UK summer time.
    late_june_utc = add_event(
        summary="Just after midnight BST", at=datetime(2026, 6, 30, 23, 30, tzinfo=UTC), region=world.region
    )
    earlier = add_event(
        summary="Earlier in June", at=datetime(2026, 6, 10, 12, tzinfo=UTC), region=world.region
    )
    lead = sign_in(world.lead)

    def ids(query):
        response = lead.get("/audit?" + query)
        assert response.status_code == 200
        return set(shown_ids(response))

    assert ids("from_date=1&from_date=7&from_date=2026&to_date=1&to_date=7&to_date=2026") == {
        late_june_utc.id
    }
    assert ids("to_date=30&to_date=6&to_date=2026") == {earlier.id}
    assert ids("from_date=10&from_date=6&from_date=2026&to_date=10&to_date=6&to_date=2026") == {earlier.id}
    assert ids("from_date=11&from_date=6&from_date=2026") >= {late_june_utc.id}
    assert earlier.id not in ids("from_date=11&from_date=6&from_date=2026")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("from_date=31&from_date=2&from_date=2026", "From date must be a real date"),
        ("from_date=&from_date=2&from_date=2026", "From date must be a real date"),
        ("to_date=aa&to_date=bb&to_date=cc", "To date must be a real date"),
        ("to_date=31&to_date=12&to_date=9999", "To date must be between the years 2000 and 2100"),
        (
            "from_date=2&from_date=1&from_date=2026&to_date=1&to_date=1&to_date=2026",
            "must be the same as or after the",
        ),
        ("authority=abc", "Select an authority from the list"),
        ("authority=99999999999999999999999", "Select an authority from the list"),
        ("kind=nonsense", "Select a kind of event from the list"),
        ("user=" + "x" * 300, "Enter 254 characters or fewer"),
    ],
)
def test_bad_filters_are_form_errors_not_failures(world, sign_in, spread, query, message):
    response = sign_in(world.admin).get("/audit?" + query)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and message.replace("'", "&#39;") in page
    assert shown_ids(response) == []


def test_pages_of_fifty_newest_first_and_missing_pages_are_404(world, sign_in):
    base = datetime(2026, 3, 1, 9, tzinfo=UTC)
    for number in range(120):
        record_event("cycle_updated", f"Change {number}", region_id=world.region.id).occurred_at = (
            base + timedelta(minutes=number)
        )
    db.session.commit()
    lead = sign_in(world.lead)
    first = lead.get("/audit")
    text = first.get_data(as_text=True)
    # 120 changes and the lead's own sign-in.
    assert len(shown_ids(first)) == 50 and "Change 119" in text and "Showing 1 to 50 of 121 events" in text
    assert 'href="/audit?page=3"' in text
    last = lead.get("/audit?page=3")
    assert len(shown_ids(last)) == 21 and "Change 0<" in last.get_data(as_text=True)
    every = shown_ids(first) + shown_ids(lead.get("/audit?page=2")) + shown_ids(last)
    assert len(set(every)) == 121
    for page in ("4", "0", "-1", "abc", "²", "99999999999999999999999"):
        assert lead.get(f"/audit?page={page}").status_code == 404
    filtered = lead.get("/audit?kind=cycle_updated&user=&page=2").get_data(as_text=True)
    assert 'href="/audit?kind=cycle_updated&amp;page=3"' in filtered


def test_a_page_takes_the_same_number_of_queries_however_many_events(world, sign_in, app):
    lead = sign_in(world.lead)
    statements = []

    def count(*args):
        statements.append(1)

    def queries_for_page() -> int:
        statements.clear()
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert lead.get("/audit").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    add_event(actor=world.director, authority=world.authority)
    few = queries_for_page()
    people = [world.director, world.contributor, world.sibling_director, world.lead]
    for number in range(40):
        record_event(
            "review_saved",
            f"Saved {number}",
            actor=people[number % 4],
            subject_user=people[-1],
            region_id=world.region.id,
            authority_id=(world.authority, world.sibling)[number % 2].id,
        )
    db.session.commit()
    assert queries_for_page() == few


# CSV ------------------------------------------------------------------------------------------------------


def test_csv_export_matches_the_filtered_page_and_is_recorded(world, sign_in, spread):
    for number in range(60):
        add_event("review_saved", f"Saved {number}", actor=world.director, authority=world.authority)
    lead = sign_in(world.lead)
    query = f"authority={world.authority.id}&kind=review_saved"
    page_ids = shown_ids(lead.get("/audit?" + query)) + shown_ids(lead.get("/audit?page=2&" + query))
    before = event_count()
    response = get(lead, "/audit.csv?" + query)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = read_csv(response)
    assert [int(row["Event"]) for row in rows] == page_ids and len(rows) == 60
    assert rows[0]["Who"] == world.director.name and rows[0]["Email"] == world.director.email
    assert rows[0]["Authority"] == world.authority.name and rows[0]["Kind"] == "review_saved"
    assert rows[0]["What"] == "Saved 59"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", rows[0]["When (UK time)"])

    assert event_count() == before + 1
    export = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "audit_exported"))
    assert export.actor_id == world.lead.id and export.region_id == world.region.id
    assert export.details["count"] == 60
    assert export.details["filters"] == {"authority_id": world.authority.id, "kind": "review_saved"}
    # The lead's region can see who exported what; the export is not in its own file.
    assert export.id in shown_ids(lead.get("/audit?kind=audit_exported"))
    assert str(export.id) not in {row["Event"] for row in rows}


def test_csv_cells_cannot_run_as_spreadsheet_formulas(world, sign_in):
    risky = ['=HYPERLINK("http://evil.example")', "+1+1", "-2", "@SUM(A1)", "Plain, with a comma"]
    for summary in risky:
        add_event("conflict_declared", summary, region=world.region)
    rows = read_csv(get(sign_in(world.lead), "/audit.csv?kind=conflict_declared"))
    assert sorted(row["What"] for row in rows) == sorted(
        ['\'=HYPERLINK("http://evil.example")', "'+1+1", "'-2", "'@SUM(A1)", "Plain, with a comma"]
    )


def test_admin_csv_includes_failed_sign_ins_with_the_typed_email(world, sign_in, spread):
    rows = read_csv(get(sign_in(world.admin), "/audit.csv?kind=sign_in_failed"))
    assert [(row["Who"], row["Email"]) for row in rows] == [("Not signed in", "stranger@elsewhere.example")]
    assert json.loads(rows[0]["Details"]) == {"email": "stranger@elsewhere.example"}


def test_csv_with_a_bad_filter_is_refused_and_not_recorded(world, sign_in):
    admin = sign_in(world.admin)
    before = event_count()
    assert get(admin, "/audit.csv?from_date=31&from_date=2&from_date=2026").status_code == 400
    assert event_count() == before


def test_csv_lines_are_made_once_and_again_when_a_name_they_show_changes(world, sign_in):
    for number in range(3):
        add_event("review_saved", f"Saved {number}", actor=world.director, authority=world.authority)
    admin = sign_in(world.admin)
    query = "/audit.csv?kind=review_saved"
    first = get(admin, query)
    with counting_queries() as statements:
        again = get(admin, query)
    assert again.data == first.data
    assert not any("audit_events.id IN" in statement for statement in statements)  # no event read whole
    world.director.name, world.authority.name = "Dana Renamed", "Alpha Renamed"
    db.session.commit()
    rows = read_csv(get(admin, query))
    assert {(row["Who"], row["Authority"]) for row in rows} == {("Dana Renamed", "Alpha Renamed")}


def test_csv_checks_a_kind_against_the_log_and_reads_no_kinds_without_one(world, sign_in, spread):
    admin = sign_in(world.admin)
    before = event_count()
    assert get(admin, "/audit.csv?kind=no_such_kind").status_code == 400
    assert event_count() == before  # refused, not recorded
    assert len(read_csv(get(admin, "/audit.csv?kind=sign_in_failed"))) == 1
    with counting_queries() as statements:
        assert get(admin, "/audit.csv").status_code == 200
    assert not any("DISTINCT audit_events.kind" in statement for statement in statements)


def made_whole(app, admin, query):
    """The export made from nothing kept: what a later export must match."""
    app.extensions["page_cache"].clear()
    return read_csv(get(admin, query))


def test_a_later_export_reads_only_the_events_after_the_kept_file_and_matches_one_made_whole(
    app, world, sign_in
):
    for number in range(3):
        add_event("review_saved", f"Before {number}", actor=world.director, authority=world.authority)
    admin = sign_in(world.admin)
    first = read_csv(get(admin, "/audit.csv"))
    add_event("review_saved", "After", actor=world.director, authority=world.authority)
    with counting_queries() as statements:
        again = read_csv(get(admin, "/audit.csv"))
    # The new event, the first export's own, then the first file's lines as they were.
    assert again[0]["What"] == "After" and again[1]["Kind"] == "audit_exported" and again[2:] == first
    assert any("audit_events.id >=" in statement for statement in statements)  # only the later events' keys
    # The file made whole a moment later holds the second export's own event, then the same lines.
    assert made_whole(app, admin, "/audit.csv")[1:] == again
    # Other filters, another file.
    assert {row["What"] for row in read_csv(get(admin, "/audit.csv?kind=review_saved"))} == {
        "Before 0",
        "Before 1",
        "Before 2",
        "After",
    }


def test_an_event_committed_late_with_a_lower_id_is_in_the_next_export(app, world, sign_in):
    first_id = add_event("review_saved", "First", actor=world.director, authority=world.authority).id
    # An event ten ids on leaves a gap below it, as transactions that commit out of order do.
    db.session.add(AuditEvent(id=first_id + 10, kind="review_saved", summary="Tenth on", details={}))
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            sa.text("SELECT setval(pg_get_serial_sequence('audit_events', 'id'), :id)"), {"id": first_id + 10}
        )
        db.session.commit()
    admin = sign_in(world.admin)
    get(admin, "/audit.csv")  # kept, up to its own event
    db.session.add(AuditEvent(id=first_id + 5, kind="review_saved", summary="Committed late", details={}))
    db.session.commit()
    again = read_csv(get(admin, "/audit.csv"))
    assert "Committed late" in {row["What"] for row in again}
    assert made_whole(app, admin, "/audit.csv")[1:] == again


def test_a_later_event_dated_before_the_kept_ones_is_put_in_its_place(app, world, sign_in):
    add_event("review_saved", "Recent", actor=world.director, authority=world.authority)
    admin = sign_in(world.admin)
    get(admin, "/audit.csv")
    earlier = datetime.now(UTC) - timedelta(days=3)
    add_event("review_saved", "Dated earlier", at=earlier, actor=world.director, authority=world.authority)
    again = read_csv(get(admin, "/audit.csv"))
    whats = [row["What"] for row in again]
    assert whats.index("Dated earlier") > whats.index("Recent")
    assert made_whole(app, admin, "/audit.csv")[1:] == again


def test_an_export_sent_after_a_later_one_is_not_given_the_later_one_s_file(app, world):
    """A second click, or another tab: two exports are recorded, and the later one's file may be sent (and
    kept) before the earlier one's. The earlier one must not send the later one's file, which holds its own
    event. (The order of two threads' sending is the one thing a test client cannot ask for, so the export's
    lines are read here as its route reads them.)"""
    add_event("review_saved", "Before both", actor=world.director, authority=world.authority)
    earlier = add_event("audit_exported", "The first click", actor=world.admin).id
    later = add_event("audit_exported", "The second click", actor=world.admin).id
    stamps = {row.id: row.value for row in db.session.execute(sa.select(DataStamp.id, DataStamp.value))}
    with app.app_context(), app.test_request_context("/audit.csv"):  # a request's own, as yet unwritten
        login_user(world.admin)
        world.admin.data_stamp, world.admin.audit_stamp = stamps[DATA], stamps[AUDIT]
        filters = queries.EventFilters()
        statement = queries.filtered_events(world.admin, filters)
        later_file = "".join(queries.events_csv(statement, later, filters))
        earlier_file = "".join(queries.events_csv(statement, earlier, filters))
    assert "The first click" in later_file and "The second click" not in later_file
    assert "The first click" not in earlier_file and "Before both" in earlier_file


def test_a_kept_export_is_its_own_person_s(world, sign_in, spread):
    admin, lead = sign_in(world.admin), sign_in(world.lead)  # signing in writes: both before the export
    admin_file = read_csv(get(admin, "/audit.csv"))
    with counting_queries() as statements:
        lead_file = read_csv(get(lead, "/audit.csv"))
    # Only the count its audit event records: the admin's kept file was not even looked at.
    assert sum("count(*)" in statement for statement in statements) == 1
    assert "Gamma thing" in {row["What"] for row in admin_file}
    assert "Gamma thing" not in {row["What"] for row in lead_file}  # another region's event


def kept_exports(app) -> list[KeptExport]:
    return [
        kept.value
        for kept in app.extensions["page_cache"].pages.values()
        if isinstance(kept.value, KeptExport)
    ]


def test_a_kept_export_in_compressed_blocks_grows_export_by_export_as_one_made_whole(
    app, world, sign_in, monkeypatch
):
    monkeypatch.setattr(queries, "KEPT_BLOCK", 400)  # two or three lines a block
    for number in range(8):
        add_event("review_saved", f"Before {number}", actor=world.director, authority=world.authority)
    admin = sign_in(world.admin)
    files = [read_csv(get(admin, "/audit.csv"))]
    for number in range(4):
        for late in range(2):
            add_event(
                "review_saved", f"After {number}.{late}", actor=world.director, authority=world.authority
            )
        with counting_queries() as statements:
            files.append(read_csv(get(admin, "/audit.csv")))
        assert any("audit_events.id >=" in statement for statement in statements)  # kept: only the later keys
        # The two new events, the last export's own event, then the last file as it was.
        assert [row["What"] for row in files[-1][:2]] == [f"After {number}.1", f"After {number}.0"]
        assert files[-1][2]["Kind"] == "audit_exported" and files[-1][3:] == files[-2]
    [kept] = kept_exports(app)
    assert len(kept.blocks) >= 3 and kept.count == len(files[-1])  # the first file, then added ones
    assert made_whole(app, admin, "/audit.csv")[1:] == files[-1]


def test_an_export_too_large_to_keep_is_made_whole_each_time(app, world, sign_in, monkeypatch):
    monkeypatch.setattr(queries, "KEPT_EXPORT_MAX", 100)  # compressed bytes: less than any file here
    for number in range(3):
        add_event("review_saved", f"Before {number}", actor=world.director, authority=world.authority)
    admin = sign_in(world.admin)
    first = read_csv(get(admin, "/audit.csv"))
    assert kept_exports(app) == []
    with counting_queries() as statements:
        again = read_csv(get(admin, "/audit.csv"))
    assert not any("audit_events.id >=" in statement for statement in statements)
    assert again[0]["Kind"] == "audit_exported" and again[1:] == first


def test_kept_csv_lines_are_dropped_together_when_they_would_pass_their_size():
    lines = CsvLines(max_bytes=25)
    lines.put((1, "2026-01-01 09:00:00", "Ann", "ann@example.org", None), "1,one line of ten\r\n")
    assert lines.get((1, "2026-01-01 09:00:00", "Ann", "ann@example.org", None)) is not None
    assert lines.get((1, "2026-01-01 09:00:01", "Ann", "ann@example.org", None)) is None  # an id given again
    lines.put((2, "2026-01-01 09:00:00", "Ann", "ann@example.org", None), "2,another line\r\n")
    assert len(lines.lines) == 1 and lines.size == len("2,another line\r\n")


# Append-only ----------------------------------------------------------------------------------------------


def test_an_event_cannot_be_changed_through_the_session(world):
    event = add_event(summary="As it happened", authority=world.authority)
    event.summary = "Rewritten"
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == "As it happened"


def test_an_event_cannot_be_deleted_through_the_session(world):
    event = add_event(authority=world.authority)
    db.session.delete(event)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.commit()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None


@pytest.mark.parametrize(
    "statement",
    [
        sa.update(AuditEvent).values(summary="Rewritten"),
        sa.delete(AuditEvent),
        sa.update(AuditEvent.__table__).values(summary="Rewritten"),
        sa.delete(AuditEvent.__table__),
    ],
)
def test_bulk_statements_through_the_session_are_refused(world, statement):
    event = add_event(summary="As it happened", authority=world.authority)
    with pytest.raises(AuditLogIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).summary == "As it happened"


def test_other_changes_still_flush_alongside_new_events(world):
    world.director.name = "Dana Renamed"
    record_event("user_renamed", "Dana was renamed", subject_user=world.director)
    db.session.commit()
    assert event_count() == 1


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_address_changes_or_deletes_events(world, sign_in, method):
    event = add_event(summary="As it happened", authority=world.authority)
    admin = sign_in(world.admin)
    before = event_count()
    for path in ("/audit", "/audit.csv", f"/audit/{event.id}", f"/audit/{event.id}/delete"):
        response = getattr(admin, method)(path, data={"summary": "Rewritten"})
        assert response.status_code in (404, 405), path
    assert event_count() == before
    db.session.expire_all()
    assert db.session.get(AuditEvent, event.id).summary == "As it happened"


# What is recorded -----------------------------------------------------------------------------------------


def test_failed_sign_ins_are_recorded_without_the_password(world, client, sign_in):
    client.post(
        "/sign-in", data={"email": f"  {world.director.email.upper()} ", "password": "wrong-Secret-123"}
    )
    client.post("/sign-in", data={"email": "Nobody@Example.com", "password": "another-Secret-456"})
    known, unknown = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.kind == "sign_in_failed").order_by(AuditEvent.id)
    )
    assert known.subject_user_id == world.director.id and known.actor_id is None
    assert known.details == {"email": world.director.email, "failures": 1}
    assert unknown.subject_user_id is None and unknown.actor_id is None
    assert unknown.details == {"email": "nobody@example.com", "failures": 1}
    for event in (known, unknown):
        stored = json.dumps(event.details) + event.summary
        assert "Secret" not in stored and PASSWORD not in stored
    page = sign_in(world.admin).get("/audit?kind=sign_in_failed").get_data(as_text=True)
    assert "nobody@example.com" in page and "Not signed in" in page
    assert "Secret" not in page


def test_sign_ins_are_seen_by_admins_and_by_the_leads_of_the_persons_region(world, sign_in):
    sign_in(world.director)
    signed_in = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "signed_in"))
    assert signed_in.actor_id == world.director.id and signed_in.region_id is None
    assert signed_in.id in shown_ids(sign_in(world.admin).get("/audit?kind=signed_in"))
    assert signed_in.id in shown_ids(sign_in(world.lead).get("/audit?kind=signed_in"))
    assert signed_in.id not in shown_ids(sign_in(world.other_lead).get("/audit?kind=signed_in"))


def test_a_lead_sees_failed_sign_ins_for_its_peoples_emails_only(world, sign_in, client):
    for email in (world.director.email, world.other_director.email, "stranger@elsewhere.example"):
        client.post("/sign-in", data={"email": email, "password": "wrong-Secret-123"})
    ours, theirs, stranger = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.kind == "sign_in_failed").order_by(AuditEvent.id)
    )
    lead = sign_in(world.lead)

    page = lead.get("/audit?kind=sign_in_failed")
    assert shown_ids(page) == [ours.id]
    assert world.director.email in page.get_data(as_text=True)
    exported = read_csv(get(lead, "/audit.csv?kind=sign_in_failed"))
    assert [row["Event"] for row in exported] == [str(ours.id)]
    assert shown_ids(sign_in(world.other_lead).get("/audit?kind=sign_in_failed")) == [theirs.id]
    assert stranger.id in shown_ids(sign_in(world.admin).get("/audit?kind=sign_in_failed"))


def test_a_person_with_roles_in_two_regions_is_seen_by_both_leads(world, sign_in):
    account_services.grant_role(
        world.admin, world.director, Role.CONTRIBUTOR, authority=world.other_authority
    )
    db.session.commit()
    sign_in(world.director)
    signed_in = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "signed_in"))

    for lead in (world.lead, world.other_lead):
        assert signed_in.id in shown_ids(sign_in(lead).get("/audit?kind=signed_in"))


def test_the_lead_is_told_truthfully_what_the_log_holds(world, sign_in):
    page = sign_in(world.lead).get("/audit").get_data(as_text=True)
    assert "the sign-ins, failed sign-ins and password changes of the people who hold a role in them" in page
    admin_page = sign_in(world.admin).get("/audit").get_data(as_text=True)
    assert "Every change, sign-in and download, newest first." in admin_page


def test_role_changes_are_recorded_for_the_region(world, sign_in):
    grant = account_services.grant_role(world.lead, world.no_role, Role.CONTRIBUTOR, authority=world.sibling)
    db.session.commit()
    account_services.remove_role(world.lead, grant)
    db.session.commit()
    lead = sign_in(world.lead)
    granted = lead.get("/audit?kind=role_granted").get_data(as_text=True)
    removed = lead.get("/audit?kind=role_removed").get_data(as_text=True)
    assert "Nora Norole became" in granted and "Nora Norole is no longer" in removed
    assert set(shown_ids(sign_in(world.other_lead).get("/audit"))) == own_sign_ins(world.other_lead)


def test_downloading_a_self_assessment_is_recorded(world, sign_in):
    cycle = open_cycle(world)
    contributor = sign_in(world.contributor)
    assert upload(contributor, cycle, world.authority, self_assessment_md(), "ours.md").status_code == 302
    lead = sign_in(world.lead)
    assert lead.get(page_url(cycle, world.authority) + "/versions/1/original").status_code == 200
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.kind == "submission_downloaded"))
    assert event.actor_id == world.lead.id
    assert (event.region_id, event.authority_id) == (world.region.id, world.authority.id)
    assert event.details == {"cycle_id": cycle.id, "version": 1}
    page = lead.get("/audit?kind=submission_downloaded")
    assert shown_ids(page) == [event.id]
    assert "Self-assessment downloaded" in page.get_data(as_text=True)

"""No signed-in page asks the database more often for a bigger region or more cycles.

Every page each role reaches by links from its home page (tests/pages.walk_pages) is counted at two sizes: a
region of 3 authorities with a cycle under way and one closed before it, then one of 9 with two closed. A page
whose statements grow with the rows fails here (an N+1 query, a lazy load in a loop), whatever the page.
"""

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from peerchallenge.accounts.models import Role
from peerchallenge.cycles.models import CycleState
from peerchallenge.dates import uk_today
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority
from tests import factories
from tests.monitoring.builders import counting_queries, make_cycle, region_of
from tests.pages import walk_pages


def region_people(size: int, earlier_cycles: int) -> dict:
    """A region of `size` authorities at every stage (tests/monitoring/builders.region_of), and who signs in
    as each role (the lead, a director and a contributor of its first authority, an admin)."""
    region = factories.make_region()
    lead = factories.make_user((Role.LEAD, region))
    for years_ago in range(earlier_cycles, 0, -1):
        day = uk_today() - timedelta(days=365 * years_ago)
        earlier = make_cycle(lead, region, day, title=f"{years_ago} ago")
        earlier.state = CycleState.CLOSED  # a region runs one cycle at a time
    cycle, lead = region_of(size, region, lead)
    first = db.session.scalars(
        sa.select(Authority).where(Authority.region_id == cycle.region_id).order_by(Authority.name)
    ).first()
    people = {
        "lead": lead,
        "director": factories.make_user((Role.DIRECTOR, first)),
        "contributor": factories.make_user((Role.CONTRIBUTOR, first)),
        "admin": factories.make_user(Role.ADMIN),
    }
    db.session.commit()
    return {role: SimpleNamespace(email=person.email) for role, person in people.items()}


def statements_per_page(app, client) -> dict[str, int]:
    """Each page the client's person reaches, with the SQL statements it took when asked for again."""
    by_url: dict[str, int] = {}

    def counted(url: str):
        client.get(url, buffered=True)  # first, what is done once (a letter's file rendered and stored)
        with counting_queries() as statements:
            response = client.get(url, buffered=True)  # a streamed download read whole, inside its request
        by_url[url] = len(statements)
        return response

    pages = walk_pages(app, client, counted)
    return {key: by_url[url] for key, url in pages.items()}


def test_no_page_takes_more_statements_for_more_authorities_or_cycles(app, sign_in):
    counts: dict[tuple[str, str], dict[int, int]] = {}
    for size, earlier_cycles in ((3, 1), (9, 2)):
        for role, person in region_people(size, earlier_cycles).items():
            for key, statements in statements_per_page(app, sign_in(person)).items():
                counts.setdefault((role, key), {})[size] = statements
    compared = {page: by_size for page, by_size in counts.items() if len(by_size) == 2}
    assert len(compared) >= 40, sorted(counts)  # the walk reaches the pages of every role
    grows = [f"{role} {key}: {by_size[3]} -> {by_size[9]}" for (role, key), by_size in compared.items()]
    grows = [line for line, by_size in zip(grows, compared.values(), strict=True) if by_size[9] > by_size[3]]
    assert grows == [], "statements grow with the region on:\n" + "\n".join(grows)

"""The demo regions' people: an admin, a lead per region, and a director and contributor per authority.

`flask seed-demo` seeds the Eastern Region and the South East (whose cycle runs in triads); `--national`
seeds all nine. People have ordinary fictional names,
the same each time (demo/names.py); their addresses say what they are (director.luton@demo.example).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa

from peerchallenge.accounts import services
from peerchallenge.accounts.models import Role, User
from peerchallenge.demo.names import NameGiver
from peerchallenge.extensions import db
from peerchallenge.regions.loader import load_authorities, read_authorities
from peerchallenge.regions.models import Region

DEMO_REGION = "Eastern"
GROUPS_REGION = "South East"  # its demo cycle runs in triads and a quartet (demo/groups.py)
DEMO_DOMAIN = "demo.example"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
LEAD_EMAIL = f"lead.eastern@{DEMO_DOMAIN}"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def lead_email(region_name: str) -> str:
    return f"lead.{slug(region_name)}@{DEMO_DOMAIN}"


def person_email(role: Role, authority_name: str) -> str:
    return f"{role.value}.{slug(authority_name)}@{DEMO_DOMAIN}"


@dataclass
class DemoAccount:
    email: str
    name: str
    role: Role
    authority: str | None = None
    region: str | None = None
    job_title: str = ""


@dataclass
class SeedResult:
    region: Region  # the Eastern Region, whose cycle is the detailed demo
    regions: list[Region] = field(default_factory=list)
    accounts: list[DemoAccount] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def demo_accounts(regions: Sequence[Region]) -> list[DemoAccount]:
    """The demo people: an admin, each region's lead, and a director and contributor per authority.

    Names are handed out in the regions' order from one seed, so the Eastern Region's people (always first)
    and the South East's (second) have the same names whether or not the other regions are seeded.
    """
    names = NameGiver(DEMO_REGION)
    accounts = [DemoAccount(ADMIN_EMAIL, names.name(), Role.ADMIN)]
    for region in regions:
        accounts.append(DemoAccount(lead_email(region.name), names.name(), Role.LEAD, region=region.name))
        for authority in sorted(region.authorities, key=lambda authority: authority.name):
            for role in (Role.DIRECTOR, Role.CONTRIBUTOR):
                email = person_email(role, authority.name)
                accounts.append(DemoAccount(email, names.name(), role, authority.name, region.name))
    groups_region = next((region for region in regions if region.name == GROUPS_REGION), None)
    if groups_region is not None:
        accounts += moderator_accounts(groups_region, {account.name for account in accounts})
    return accounts


# The job titles of the South East's moderators, in turn: the QA and performance people of its authorities.
MODERATOR_JOB_TITLES = (
    "Quality assurance manager",
    "Head of performance and intelligence",
    "Principal social worker and QA lead",
    "Performance and data analyst",
    "Audit and quality assurance lead",
    "Practice improvement manager",
    "Senior performance officer",
)


def moderator_accounts(region: Region, taken: set[str]) -> list[DemoAccount]:
    """A moderator from each of the region's authorities (demo/moderation.py), named from a sequence of their
    own after everyone else, so that adding them changed no other demo person's name."""
    names = NameGiver("moderators")
    accounts = []
    for number, authority in enumerate(sorted(region.authorities, key=lambda authority: authority.name)):
        name = names.name()
        while name in taken:
            name = names.name()
        title = MODERATOR_JOB_TITLES[number % len(MODERATOR_JOB_TITLES)]
        email = person_email(Role.MODERATOR, authority.name)
        accounts.append(DemoAccount(email, name, Role.MODERATOR, authority.name, region.name, title))
    return accounts


def seed_demo(password: str, reset_passwords: bool = False, national: bool = False) -> SeedResult:
    """Create whatever of the demo is missing; existing accounts keep their password unless reset."""
    load_authorities(read_authorities())
    regions = db.session.scalars(sa.select(Region).order_by(Region.name)).all()
    # The Eastern Region first and the South East second, so that their people's names are the same whether
    # or not the other regions are seeded.
    first = [
        next(region for region in regions if region.name == name) for name in (DEMO_REGION, GROUPS_REGION)
    ]
    eastern = first[0]
    chosen = [*first, *(region for region in regions if region not in first)] if national else first
    result = SeedResult(region=eastern, regions=chosen, accounts=demo_accounts(chosen))
    for each in chosen:  # the name on its letters, as the ADCS regions sign them; a lead's own choice stays
        each.display_name = each.display_name or f"ADCS {each.name} Region"
    authorities = {authority.name: authority for region in chosen for authority in region.authorities}
    by_name = {region.name: region for region in chosen}
    existing = {
        user.email: user
        for user in db.session.scalars(
            sa.select(User).where(User.email.in_([account.email for account in result.accounts]))
        )
    }
    # Every demo account has the same password: hashing it once keeps the national demo quick (a strong hash
    # takes a noticeable fraction of a second, and there are over 300 accounts).
    password_hash: str | None = None
    for account in result.accounts:
        user = existing.get(account.email)
        if user is None:
            user = User(email=account.email, name=account.name, job_title=account.job_title)
            db.session.add(user)
            result.created.append(account.email)
        if user.password_hash is None or reset_passwords:
            if password_hash is None:
                user.set_password(password)
                password_hash = user.password_hash
            else:
                user.password_hash = password_hash
        authority = authorities.get(account.authority) if account.authority else None
        region = by_name.get(account.region) if account.role == Role.LEAD and account.region else None
        scope = (account.role, region.id if region else None, authority.id if authority else None)
        if not any((grant.role, grant.region_id, grant.authority_id) == scope for grant in user.grants):
            services.grant_role(None, user, account.role, region=region, authority=authority)
    db.session.flush()
    return result

"""The demo region: the Eastern Region's authorities, a lead, and a director and contributor for each."""

import re
from dataclasses import dataclass, field

import sqlalchemy as sa

from peerchallenge.accounts import services
from peerchallenge.accounts.models import Role, User
from peerchallenge.extensions import db
from peerchallenge.regions.loader import load_authorities, read_authorities
from peerchallenge.regions.models import Region

DEMO_REGION = "Eastern"
DEMO_DOMAIN = "demo.example"
ADMIN_EMAIL = f"admin@{DEMO_DOMAIN}"
LEAD_EMAIL = f"lead.eastern@{DEMO_DOMAIN}"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@dataclass
class DemoAccount:
    email: str
    name: str
    role: Role
    authority: str | None = None


@dataclass
class SeedResult:
    region: Region
    accounts: list[DemoAccount] = field(default_factory=list)
    created: list[str] = field(default_factory=list)


def demo_accounts(region: Region) -> list[DemoAccount]:
    """The demo people: an admin, the region's lead, and a director and contributor per authority."""
    accounts = [
        DemoAccount(ADMIN_EMAIL, "Demo Administrator", Role.ADMIN),
        DemoAccount(LEAD_EMAIL, "Eastern Regional Lead", Role.LEAD),
    ]
    for authority in region.authorities:
        for role, title in ((Role.DIRECTOR, "Director"), (Role.CONTRIBUTOR, "Contributor")):
            accounts.append(
                DemoAccount(
                    f"{role.value}.{slug(authority.name)}@{DEMO_DOMAIN}",
                    f"{authority.name} {title}",
                    role,
                    authority.name,
                )
            )
    return accounts


def seed_demo(password: str, reset_passwords: bool = False) -> SeedResult:
    """Create whatever of the demo region is missing; existing accounts keep their password unless reset."""
    load_authorities(read_authorities())
    region = db.session.execute(sa.select(Region).where(Region.name == DEMO_REGION)).scalar_one()
    authorities = {authority.name: authority for authority in region.authorities}
    result = SeedResult(region=region, accounts=demo_accounts(region))
    for account in result.accounts:
        user = services.find_user_by_email(account.email)
        if user is None:
            user = User(email=account.email, name=account.name)
            db.session.add(user)
            user.set_password(password)
            result.created.append(account.email)
        elif reset_passwords:
            user.set_password(password)
        authority = authorities.get(account.authority) if account.authority else None
        scope = (
            account.role,
            region.id if account.role == Role.LEAD else None,
            authority.id if authority else None,
        )
        if not any((g.role, g.region_id, g.authority_id) == scope for g in user.grants):
            services.grant_role(
                None,
                user,
                account.role,
                region=region if account.role == Role.LEAD else None,
                authority=authority,
            )
    db.session.flush()
    return result

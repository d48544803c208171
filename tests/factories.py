"""Small factories for regions, authorities and users with roles."""

import itertools
from dataclasses import dataclass

from werkzeug.security import generate_password_hash

from peerchallenge.accounts.models import Role, RoleGrant, User
from peerchallenge.extensions import db
from peerchallenge.regions.models import Authority, Region

PASSWORD = "correct horse battery staple"
# The service hashes with werkzeug's slow default (scrypt, about 0.15 s a check). The test users share one
# cheap hash instead, since the suite signs in well over a thousand times; passwords set through the
# service still get the default.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")
_counter = itertools.count(1)


def make_region(name: str | None = None) -> Region:
    region = Region(name=name or f"Region {next(_counter)}")
    db.session.add(region)
    db.session.flush()
    return region


def make_authority(region: Region, name: str | None = None, *, dfe_code: str | None = None) -> Authority:
    """An authority of `region`; give `dfe_code` where the database holds real authorities (the demo's)."""
    number = next(_counter)
    authority = Authority(
        region=region,
        name=name or f"Authority {number}",
        # 100 to 899: the 900s are left for tests that type a new authority's code themselves.
        dfe_code=dfe_code or f"{100 + number % 800:03d}",
        ons_code=f"E{number:08d}",
        authority_type="Unitary authority",
    )
    db.session.add(authority)
    db.session.flush()
    return authority


def make_user(*grants, email: str | None = None, name: str | None = None, active: bool = True) -> User:
    """A user with a password; grants are (role,) or (role, region) or (role, authority)."""
    number = next(_counter)
    user = User(
        email=email or f"user{number}@test.example",
        name=name or f"Test User {number}",
        password_hash=_PASSWORD_HASH,
        active=active,
    )
    for grant in grants:
        role, *scope = grant if isinstance(grant, tuple) else (grant,)
        target = scope[0] if scope else None
        user.grants.append(
            RoleGrant(
                role=role,
                region=target if isinstance(target, Region) else None,
                authority=target if isinstance(target, Authority) else None,
            )
        )
    db.session.add(user)
    db.session.commit()
    return user


@dataclass
class World:
    region: Region
    other_region: Region
    authority: Authority
    sibling: Authority
    other_authority: Authority
    admin: User
    lead: User
    other_lead: User
    director: User
    contributor: User
    sibling_director: User
    other_director: User
    no_role: User

    def user(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


def make_world() -> World:
    """Region A (authority and sibling) and region B (other authority), with a user in every role."""
    region, other_region = make_region("Region A"), make_region("Region B")
    authority, sibling = make_authority(region, "Alpha"), make_authority(region, "Beta")
    other_authority = make_authority(other_region, "Gamma")
    return World(
        region=region,
        other_region=other_region,
        authority=authority,
        sibling=sibling,
        other_authority=other_authority,
        admin=make_user(Role.ADMIN, name="Ada Admin"),
        lead=make_user((Role.LEAD, region), name="Lee Lead"),
        other_lead=make_user((Role.LEAD, other_region), name="Olive Otherlead"),
        director=make_user((Role.DIRECTOR, authority), name="Dana Director"),
        contributor=make_user((Role.CONTRIBUTOR, authority), name="Cal Contributor"),
        sibling_director=make_user((Role.DIRECTOR, sibling), name="Sid Sibling"),
        other_director=make_user((Role.DIRECTOR, other_authority), name="Otto Other"),
        no_role=make_user(name="Nora Norole"),
    )


# The Eastern Region's authorities, the demo region and the solver's real-size case.
EASTERN_AUTHORITIES = [
    "Bedford Borough",
    "Cambridgeshire",
    "Central Bedfordshire",
    "Essex",
    "Hertfordshire",
    "Luton",
    "Norfolk",
    "Peterborough",
    "Southend-on-Sea",
    "Suffolk",
    "Thurrock",
]

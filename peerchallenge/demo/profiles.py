"""The demo authorities' characters and figures, as data: illustrative, not real.

The Eastern Region's authorities carry their real names so that the demo region looks like a region, but
every profile (context, strengths, worries, the last inspection and its judgements, the figures) is
invented for the demonstration. None of it describes what these councils do, or what Ofsted found when it
inspected them.
The Eastern profiles are written as data in data/eastern_profiles.toml, the figures in data/indicators.toml.
The other regions' authorities get a profile generated from their name, in the same ranges.

Figures sit in realistic ranges next to their England comparators, taken from the Department for Education's
published statistics (explore-education-statistics.service.gov.uk), by publication:

- Children in need, 2024 (year to 31 March 2024): 332.9 children in need per 10,000 children; about 42
  children on child protection plans per 10,000; about 24% of plans starting for a second or subsequent time.
- Children in need: a focus on re-referrals, 2024: 139,080 of 621,880 referrals (22%) were re-referrals
  within 12 months of a previous referral.
- Children looked after in England including adoptions, 2024: 83,630 children, 70 per 10,000 children; about
  10% with three or more placements in the year; care leavers aged 19 to 21: about 56% in education,
  employment or training, about 88% in suitable accommodation (85% in 2019).
- Children's social work workforce, 2024 (at 30 September 2024): 6,500 FTE agency workers, about 16% of
  social workers (17.8% in 2023); 7,200 FTE vacancies, a vacancy rate of about 17%; turnover 13.8% (15.9% a
  year earlier); an average caseload of about 16.
- Education, health and care plans, 2025: 46% of new EHC plans issued within 20 weeks in 2024 (50.3% in
  2023).

Each figure has a range an authority's own value stays inside (`Indicator.low` to `Indicator.high`), wide
enough for the variation between authorities that the publications show and no wider;
tests/test_demo_content.py checks every generated figure against it.
"""

import random
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE

# The default template's titles, in order, by the names the demo's data files use for them, and its writers.
SECTIONS = dict(
    zip(
        [
            "headline",
            "progress",
            "family_help",
            "protection",
            "care",
            "leavers",
            "leaders",
            "workforce",
            "send",
            "plans",
        ],
        (section.title for section in DEFAULT_TEMPLATE),
        strict=True,
    )
)
HEADLINE, PROGRESS, FAMILY_HELP, PROTECTION, CARE, LEAVERS, LEADERS, WORKFORCE, SEND, PLANS = (
    SECTIONS.values()
)
DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str  # what the figure counts, for tables and messages
    england: float
    england_text: str  # the comparator as the text gives it
    low: float
    high: float
    lower_is_better: bool | None  # None: neither higher nor lower is better in itself (a rate of need)
    section: str  # the section that states it: each figure is stated once per self-assessment
    sentence: str  # how the self-assessment states it: {value} and {england}
    concern: str  # what it says when its figure is worse than England's
    unit: str = "%"
    decimals: int = 0

    def show(self, value: float) -> str:
        number = f"{value:,.{self.decimals}f}"
        return f"{number}%" if self.unit == "%" else f"{number}{self.unit}"

    def stated(self, value: float) -> str:
        return self.sentence.format(value=self.show(value), england=self.england_text)


def _read(name: str) -> list[dict[str, Any]]:
    """The tables of one of the demo's data files (each file holds one array of tables)."""
    with (DATA / f"{name}.toml").open("rb") as file:
        (rows,) = tomllib.load(file).values()
    table: list[dict[str, Any]] = rows
    return table


def _indicator(row: dict[str, Any]) -> Indicator:
    # TOML has no None: a figure with no better side leaves lower_is_better out.
    return Indicator(**{"lower_is_better": None, "concern": "", **row, "section": SECTIONS[row["section"]]})


INDICATORS = tuple(_indicator(row) for row in _read("indicators"))
INDICATOR = {indicator.key: indicator for indicator in INDICATORS}


@dataclass(frozen=True)
class Point:
    """A strength or a worry: the section it belongs to, a short name for it, and the authority's words."""

    section: str
    topic: str
    text: str


# Ofsted's ILACS judgements (the framework in use since January 2023) and its four grades.
OVERALL = "Overall effectiveness"
LEADERS_JUDGEMENT = "The impact of leaders on social work practice with children and families"
HELP_JUDGEMENT = "The experiences and progress of children who need help and protection"
CARE_JUDGEMENT = "The experiences and progress of children in care"
LEAVERS_JUDGEMENT = "The experiences and progress of care leavers"
GRADES = ("Outstanding", "Good", "Requires improvement to be good", "Inadequate")
ILACS = "ILACS standard inspection"
ILACS_SHORT = "ILACS short inspection"
FOCUSED_VISIT = "Focused visit"
JTAI = "Joint targeted area inspection"
KINDS = (ILACS, ILACS_SHORT, FOCUSED_VISIT, JTAI)


@dataclass(frozen=True)
class Inspection:
    kind: str
    inspected: date
    judgements: tuple[tuple[str, str], ...]  # (judgement, grade); a focused visit and a JTAI give none
    areas_for_improvement: tuple[str, ...]
    focus: str = ""  # what a focused visit or a JTAI looked at

    @property
    def name(self) -> str:
        """The inspection's kind as it reads in a sentence."""
        return self.kind if self.kind.startswith("ILACS") else self.kind[0].lower() + self.kind[1:]

    def summary(self) -> str:
        when = self.inspected.strftime("%B %Y")
        if not self.judgements:
            return f"Our most recent inspection was a {self.name} in {when}, which looked at {self.focus}."
        overall = dict(self.judgements).get(OVERALL, "")
        return f"Our most recent {self.name}, in {when}, judged our overall effectiveness {overall.lower()}."


def _ilacs(kind: str, inspected: date, grades: str, *areas: str) -> Inspection:
    """An ILACS inspection; grades are five letters (O, G, R, I) for the five judgements in order."""
    names = dict(zip("OGRI", GRADES, strict=True))
    judgements = (OVERALL, LEADERS_JUDGEMENT, HELP_JUDGEMENT, CARE_JUDGEMENT, LEAVERS_JUDGEMENT)
    return Inspection(kind, inspected, tuple(zip(judgements, (names[g] for g in grades), strict=True)), areas)


@dataclass(frozen=True)
class AuthorityProfile:
    name: str
    context: str
    strengths: tuple[Point, ...]
    worries: tuple[Point, ...]
    inspection: Inspection
    figures: Mapping[str, float]
    # How the authority writes: how well it evidences its judgements (3 best, 0 worst), how it judges itself,
    # how much business as usual it includes (0 none, 2 a lot), and how specific its plans are (0 SMART).
    evidence: int = 2
    outlook: str = "accurate"  # or "optimistic", "cautious"
    padding: int = 1
    plans: int = 1


def _figures(*values: float) -> dict[str, float]:
    return dict(zip((indicator.key for indicator in INDICATORS), values, strict=True))


def _point(row: dict[str, str]) -> Point:
    return Point(SECTIONS[row["section"]], row["topic"], row["text"])


def _inspection(row: dict[str, Any]) -> Inspection:
    if row["kind"] not in KINDS:
        raise ValueError(f"Unknown kind of inspection: {row['kind']}")
    if "grades" in row:
        return _ilacs(row["kind"], row["inspected"], row["grades"], *row["areas_for_improvement"])
    return Inspection(row["kind"], row["inspected"], (), tuple(row["areas_for_improvement"]), row["focus"])


def _profile(row: dict[str, Any]) -> AuthorityProfile:
    return AuthorityProfile(
        row["name"],
        row["context"],
        tuple(_point(point) for point in row["strengths"]),
        tuple(_point(point) for point in row["worries"]),
        _inspection(row["inspection"]),
        _figures(*row["figures"]),
        evidence=row["evidence"],
        outlook=row["outlook"],
        padding=row["padding"],
        plans=row["plans"],
    )


# Written by hand: data/eastern_profiles.toml.
EASTERN_PROFILES = tuple(_profile(row) for row in _read("eastern_profiles"))
EASTERN = {profile.name: profile for profile in EASTERN_PROFILES}


# For the other regions: a character drawn from pools by the authority's type, and figures drawn inside the
# ranges around England's.
# A generated context: the kind of place, who lives there, and how demand is moving; nothing that would be
# false of a real place of that type (a coast, inner or outer London).
PLACES = {
    "County": (
        "A large shire county of market towns and villages",
        "A county of several towns and a wide rural hinterland",
        "A county of market towns and farmland",
    ),
    "Unitary authority": (
        "A unitary authority of one main town and its surrounding villages",
        "A compact urban unitary authority",
        "A unitary authority of two towns and the countryside between them",
    ),
    "Metropolitan district": (
        "A metropolitan borough of dense neighbourhoods",
        "A metropolitan district of former industrial towns",
        "A metropolitan borough around a busy town centre",
    ),
    "London borough": (
        "A London borough of dense neighbourhoods",
        "A London borough of busy high streets and quieter residential streets",
        "A London borough where wealthy and deprived streets sit side by side",
    ),
    "City corporation": ("A very small authority with a large daytime population",),
}
PEOPLE = (
    "with a young and diverse population",
    "where need is concentrated in a few wards",
    "with high housing costs and a mobile population",
    "where families live far from services",
)
DEMAND = (
    "and demand at the front door is rising.",
    "and demand has been steady for three years.",
    "and more families now come to us with complex needs.",
)
GENERIC_STRENGTHS = (
    Point(FAMILY_HELP, "family hubs", "Family hubs offer help in every locality without a referral."),
    Point(PROTECTION, "the front door", "Front door decisions are timely and partners trust them."),
    Point(
        CARE, "kinship care", "More children now live with relatives, with a kinship team to support them."
    ),
    Point(
        LEAVERS, "staying close", "Staying close gives young people leaving residential care a home nearby."
    ),
    Point(
        LEADERS, "learning from audit", "Audits end with a conversation with the family, and we act on them."
    ),
    Point(
        WORKFORCE, "a stable workforce", "Our social work academy trains new social workers, and most stay."
    ),
)
GENERIC_WORRIES = (
    Point(
        CARE, "sufficiency of local homes", "Too few local homes can care for teenagers with complex needs."
    ),
    Point(WORKFORCE, "agency social workers", "We rely on agency social workers in the assessment teams."),
    Point(SEND, "EHC plan timeliness", "EHC needs assessments take too long."),
    Point(
        PROTECTION, "repeat child protection plans", "Too many children return to a child protection plan."
    ),
    Point(LEAVERS, "housing for care leavers", "Care leavers wait too long for a suitable home."),
    Point(FAMILY_HELP, "reach of family help", "Some families reach family help only at crisis."),
)
GENERATED_AREAS = (
    "Management oversight of plans for children in need.",
    "The quality and timeliness of pathway plans.",
    "The sufficiency of local homes for children in care.",
    "The response to children at risk of exploitation outside the home.",
    "The consistency of supervision in the assessment teams.",
    "Timeliness of initial child protection conferences.",
)


# The figures that show a strength or a worry, by its topic: a strength's figures sit on England's better
# side, a worry's on its worse side (tests/test_demo_content.py checks every profile). Topics not listed here
# are about practice no published figure measures.
MEASURED_BY = {
    "a stable workforce": ("agency", "turnover", "vacancy"),
    "a strong front door": ("re_referrals",),
    "agency social workers": ("agency",),
    "care leavers in work": ("leavers_eet",),
    "care leavers' education and work": ("leavers_eet",),
    "caseloads": ("caseload",),
    "EHC plan timeliness": ("ehcp_timely",),
    "family hubs": ("re_referrals",),
    "housing for care leavers": ("leavers_home",),
    "placement stability": ("cla_moves",),
    "placement stability for teenagers": ("cla_moves",),
    "reach of family help": ("re_referrals",),
    "recruitment in the Fens": ("vacancy",),
    "repeat child protection plans": ("cp_repeat",),
    "rural reach of family help": ("re_referrals",),
    "staying close": ("leavers_home",),
    "staying close for care leavers": ("leavers_home",),
    "sufficiency for teenagers": ("cla_moves",),
    "sufficiency of local homes": ("cla_moves",),
    "the family help front door": ("re_referrals",),
    "the family help offer": ("re_referrals",),
    "the SEND system": ("ehcp_timely",),
    "turnover in the assessment teams": ("turnover",),
}


def sides(strengths: tuple[Point, ...], worries: tuple[Point, ...]) -> dict[str, bool]:
    """Which side of England's figure each measured figure must sit: True better, False worse."""
    wanted = {key: False for point in worries for key in MEASURED_BY.get(point.topic, ())}
    wanted.update({key: True for point in strengths for key in MEASURED_BY.get(point.topic, ())})
    return wanted


def is_better(indicator: Indicator, value: float) -> bool | None:
    """Whether the value is better than England's (None: equal, or a figure with no better side)."""
    if indicator.lower_is_better is None or value == indicator.england:
        return None
    return (value < indicator.england) == indicator.lower_is_better


def generated_profile(name: str, authority_type: str) -> AuthorityProfile:
    """A plausible character for an authority outside the Eastern demo region, the same each time."""
    rng = random.Random(f"profile:{name}")  # noqa: S311 (demo text, not security)
    grade = rng.choice(("GGGGG", "GGGRG", "RGRRR", "RRGGR", "OOGOG", "GGGGR"))
    inspection = _ilacs(
        rng.choice((ILACS, ILACS_SHORT))
        if grade[0] in "OG"
        else ILACS,  # short inspections follow a good one
        date(rng.randint(2023, 2025), rng.randint(1, 12), rng.randint(1, 28)),
        grade,
        *rng.sample(GENERATED_AREAS, 2),
    )
    strengths = rng.sample(GENERIC_STRENGTHS, 2)
    worries = rng.sample([w for w in GENERIC_WORRIES if w.section not in {s.section for s in strengths}], 2)
    wanted = sides(tuple(strengths), tuple(worries))
    figures = {}
    for indicator in INDICATORS:
        spread = (indicator.high - indicator.low) / 4
        value = rng.gauss(indicator.england, spread)
        if indicator.key in wanted:
            # Reflect a draw on the wrong side across England's figure, at least one step away from it.
            step = 10.0**-indicator.decimals
            distance = max(abs(value - indicator.england), step)
            lower = wanted[indicator.key] == indicator.lower_is_better
            value = indicator.england - distance if lower else indicator.england + distance
        value = min(indicator.high, max(indicator.low, value))
        figures[indicator.key] = round(value, indicator.decimals)
    return AuthorityProfile(
        name,
        " ".join(
            (
                rng.choice(PLACES.get(authority_type, PLACES["Unitary authority"])) + ",",
                rng.choice(PEOPLE) + ",",
                rng.choice(DEMAND),
            )
        ),
        tuple(strengths),
        tuple(worries),
        inspection,
        figures,
        evidence=rng.randint(1, 3),
        outlook=rng.choice(("accurate", "accurate", "optimistic", "cautious")),
        padding=rng.randint(0, 2),
        plans=rng.randint(0, 2),
    )


def profile_for(name: str, authority_type: str = "Unitary authority") -> AuthorityProfile:
    """The authority's demo character: hand-written for the Eastern Region, generated for the others."""
    return EASTERN.get(name) or generated_profile(name, authority_type)

"""The demo authorities' characters and figures, as data: illustrative, not real.

The Eastern Region's authorities carry their real names so that the demo region looks like a region, but
every profile below (context, strengths, worries, the last inspection and its judgements, the figures) is
invented for the demonstration. None of it describes what these councils do, or what Ofsted found when it
inspected them.
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
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from peerchallenge.cycles.defaults import DEFAULT_TEMPLATE

# The default template's titles, in order, by the name the demo's writers use for them.
(
    HEADLINE,
    PROGRESS,
    FAMILY_HELP,
    PROTECTION,
    CARE,
    LEAVERS,
    LEADERS,
    WORKFORCE,
    SEND,
    PLANS,
) = (section.title for section in DEFAULT_TEMPLATE)


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


INDICATORS = (
    Indicator(
        "cin_rate",
        "children in need per 10,000 children",
        332.9,
        "332.9",
        250,
        450,
        None,
        HEADLINE,
        "There are {value} children in need per 10,000 children here (England: {england}).",
        "",
        "",
        1,
    ),
    Indicator(
        "re_referrals",
        "re-referrals within 12 months",
        22,
        "22%",
        15,
        30,
        True,
        FAMILY_HELP,
        "Re-referrals within 12 months of a previous referral were {value} of all referrals (England: "
        "{england}).",
        "Re-referrals are higher than England's, and we are finding out which families come back and why.",
    ),
    Indicator(
        "cp_rate",
        "children on child protection plans per 10,000 children",
        42,
        "about 42",
        28,
        60,
        None,
        PROTECTION,
        "There are {value} children per 10,000 on child protection plans (England: {england}).",
        "",
        "",
    ),
    Indicator(
        "cp_repeat",
        "child protection plans starting for a second or subsequent time",
        24,
        "about 24%",
        14,
        32,
        True,
        PROTECTION,
        "Of the child protection plans that started this year, {value} were a second or subsequent plan "
        "(England: {england}).",
        "Too many plans are a second or subsequent plan, and we are auditing why those children come back.",
    ),
    Indicator(
        "cla_rate",
        "children in care per 10,000 children",
        70,
        "70",
        35,
        95,
        None,
        CARE,
        "We look after {value} children per 10,000 (England: {england}).",
        "",
        "",
    ),
    Indicator(
        "cla_moves",
        "children in care with three or more homes in the year",
        10,
        "about 10%",
        6,
        14,
        True,
        CARE,
        "Of children in care, {value} had three or more homes in the year (England: {england}).",
        "Too many children in care move home, and each move is now reviewed by a head of service.",
    ),
    Indicator(
        "leavers_eet",
        "care leavers aged 19 to 21 in education, employment or training",
        56,
        "about 56%",
        45,
        68,
        False,
        LEAVERS,
        "Of our care leavers aged 19 to 21, {value} are in education, employment or training (England: "
        "{england}).",
        "Too few care leavers are in education, employment or training.",
    ),
    Indicator(
        "leavers_home",
        "care leavers aged 19 to 21 in suitable accommodation",
        88,
        "about 88%",
        80,
        96,
        False,
        LEAVERS,
        "Of the same care leavers, {value} live in suitable accommodation (England: {england}).",
        "Too few care leavers live in suitable accommodation.",
    ),
    Indicator(
        "agency",
        "agency social workers",
        16,
        "about 16%",
        5,
        30,
        True,
        WORKFORCE,
        "Agency workers fill {value} of our social work posts (England: {england}).",
        "We rely on agency social workers more than most authorities do.",
    ),
    Indicator(
        "turnover",
        "social worker turnover",
        13.8,
        "13.8%",
        8,
        24,
        True,
        WORKFORCE,
        "Social worker turnover was {value} over the year (England: {england}).",
        "Turnover is higher than England's, and exit interviews tell us why.",
        decimals=1,
    ),
    Indicator(
        "vacancy",
        "social worker vacancy rate",
        17,
        "about 17%",
        6,
        30,
        True,
        WORKFORCE,
        "The vacancy rate for social workers is {value} (England: {england}).",
        "Our vacancy rate is higher than England's.",
    ),
    Indicator(
        "caseload",
        "average caseload",
        16,
        "about 16",
        12,
        22,
        True,
        WORKFORCE,
        "The average caseload is {value} (England: {england}).",
        "Caseloads are higher than England's.",
        " children",
    ),
    Indicator(
        "ehcp_timely",
        "new EHC plans issued within 20 weeks",
        46,
        "46%",
        15,
        85,
        False,
        SEND,
        "Of new EHC plans, {value} were issued within 20 weeks (England: {england}).",
        "EHC plans take longer than they should.",
    ),
)
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


EASTERN_PROFILES = (
    AuthorityProfile(
        "Bedford Borough",
        "A compact unitary borough: a diverse town at its centre and villages to the north, with demand at "
        "the "
        "front door that rose sharply after a change in the local policing model.",
        (
            Point(
                FAMILY_HELP,
                "the family help front door",
                "Family help and the front door now sit in one "
                "locality team, so families tell their story once.",
            ),
            Point(
                LEADERS,
                "practice leadership",
                "Practice leads in every team hold weekly group supervision built around children's plans.",
            ),
        ),
        (
            Point(
                PROTECTION,
                "domestic abuse referrals",
                "Police notifications of domestic abuse reach us in volume, and too many are screened twice.",
            ),
            Point(
                CARE,
                "sufficiency for teenagers",
                "Too few local homes can care for teenagers with complex needs, so some live too far away.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2023, 3, 10),
            "GGGGR",
            "The quality of pathway plans, which do not always reflect care leavers' own goals.",
            "Management oversight of children in need plans that drift.",
            "Timeliness of return home interviews for children who go missing.",
        ),
        _figures(341.8, 20, 47, 22, 74, 11, 52, 87, 19, 15.2, 18, 17, 38),
        evidence=2,
        outlook="accurate",
        padding=1,
        plans=1,
    ),
    AuthorityProfile(
        "Cambridgeshire",
        "A large county: the city of Cambridge with high housing costs, market towns, and the rural Fens "
        "with "
        "pockets of deep deprivation and long journeys to services.",
        (
            Point(
                PROTECTION,
                "the systemic practice model",
                "Our systemic practice model is used consistently; "
                "families describe workers who explain what they are worried about.",
            ),
            Point(
                LEAVERS,
                "staying close for care leavers",
                "Staying close has given young people leaving "
                "residential homes a trusted adult and a home nearby.",
            ),
        ),
        (
            Point(
                SEND,
                "EHC plan timeliness",
                "EHC needs assessments take too long, and families in the Fens wait longest.",
            ),
            Point(
                WORKFORCE,
                "recruitment in the Fens",
                "Recruiting experienced social workers to Fenland teams "
                "is hard, and those teams carry the most agency staff.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2023, 11, 17),
            "GGGGG",
            "The consistency of help for children at risk of exploitation outside the home.",
            "The timeliness of EHC needs assessments for children in care.",
        ),
        _figures(298.4, 19, 35, 20, 52, 9, 60, 91, 14, 12.1, 19, 15, 27),
        evidence=3,
        outlook="accurate",
        padding=0,
        plans=0,
    ),
    AuthorityProfile(
        "Central Bedfordshire",
        "A largely rural unitary authority of market towns and villages, growing fast as new estates are "
        "built "
        "along the transport corridors.",
        (
            Point(
                CARE,
                "foster carer recruitment",
                "More local families applied to foster with us this year than in any of the last five.",
            ),
            Point(
                FAMILY_HELP,
                "family hubs",
                "Family hubs in each market town offer early help without a referral.",
            ),
            Point(
                LEADERS,
                "quality assurance",
                "Our quality assurance framework reports on children's experience, not only on compliance.",
            ),
        ),
        (
            Point(
                PROTECTION,
                "the rise in child protection plans",
                "Child protection plans have risen, and we are not yet sure that every plan is needed.",
            ),
            Point(
                LEAVERS,
                "housing for care leavers",
                "Suitable housing for care leavers is scarce in the villages where they grew up.",
            ),
        ),
        _ilacs(
            ILACS_SHORT,
            date(2024, 2, 2),
            "GGGGG",
            "Planning for care leavers' housing before their eighteenth birthday.",
            "The recording of management decisions on the reasons for child protection plans.",
        ),
        _figures(287.5, 21, 44, 18, 48, 8, 58, 86, 12, 11.4, 13, 16, 51),
        evidence=2,
        outlook="cautious",
        padding=0,
        plans=0,
    ),
    AuthorityProfile(
        "Essex",
        "A large county of twelve districts, from London commuter towns to the coast, where seaside towns "
        "have "
        "some of the region's highest levels of need.",
        (
            Point(
                FAMILY_HELP,
                "the family help offer",
                "Our family help offer is delivered with schools and "
                "health visitors, and families who use it rarely need social care later.",
            ),
            Point(
                CARE,
                "keeping children in their families",
                "Family group conferences are offered before care "
                "proceedings, and more children now stay with their wider family.",
            ),
            Point(
                WORKFORCE,
                "a stable workforce",
                "Our own social work academy trains most of our newly "
                "qualified social workers, and most stay.",
            ),
        ),
        (
            Point(
                PROTECTION,
                "exploitation on the coast",
                "Criminal exploitation of teenagers in the coastal towns is rising faster than our response.",
            ),
            Point(
                SEND,
                "specialist school places",
                "There are not enough specialist school places near home, so journeys to school are long.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2023, 7, 14),
            "OOGOG",
            "The response to children at risk of exploitation in coastal districts.",
            "The timeliness of health assessments for children coming into care.",
        ),
        _figures(270.3, 17, 31, 19, 46, 8, 63, 92, 8, 10.2, 9, 14, 57),
        evidence=3,
        outlook="accurate",
        padding=1,
        plans=0,
    ),
    AuthorityProfile(
        "Hertfordshire",
        "A large, mostly prosperous county next to London, with ten districts and pockets of need in its new "
        "towns; families move in and out across the London boundary.",
        (
            Point(
                PROTECTION,
                "multi-agency child protection",
                "Police, health and schools join our strategy "
                "discussions, and decisions are made the same day.",
            ),
            Point(
                LEAVERS,
                "care leavers in work",
                "Apprenticeships with the council and its partners have brought more care leavers into work.",
            ),
        ),
        (
            Point(
                WORKFORCE,
                "agency social workers",
                "We still rely on agency social workers in the assessment teams nearest London.",
            ),
            Point(
                CARE,
                "children placed out of county",
                "Too many children in care live outside the county, far from school and friends.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2023, 6, 23),
            "GGGRG",
            "The sufficiency of local homes for children in care.",
            "The quality of supervision for social workers in the assessment teams.",
            "Children's understanding of their life story.",
        ),
        _figures(301.6, 23, 38, 25, 41, 12, 61, 90, 22, 16.8, 20, 15, 41),
        evidence=2,
        outlook="optimistic",
        padding=2,
        plans=1,
    ),
    AuthorityProfile(
        "Luton",
        "A young, diverse and densely populated town with high deprivation and high demand; many families "
        "are "
        "new to the area and to English.",
        (
            Point(
                FAMILY_HELP,
                "community partnerships",
                "Faith and community groups are partners in family "
                "help, and families reach us earlier through them.",
            ),
            Point(
                LEADERS,
                "stable leadership",
                "A stable senior team has followed through on its improvement plan for three years.",
            ),
        ),
        (
            Point(
                PROTECTION,
                "repeat child protection plans",
                "Too many children return to a child protection plan within two years.",
            ),
            Point(WORKFORCE, "caseloads", "Caseloads in the assessment service are higher than we want."),
            Point(
                LEAVERS,
                "care leavers' education and work",
                "Too few care leavers are in education, employment or training.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2024, 5, 17),
            "RGRGR",
            "The quality of plans for children who need help and protection, which are not always specific.",
            "Timeliness of initial child protection conferences.",
            "Support for care leavers to find education, employment or training.",
        ),
        _figures(412.7, 27, 56, 29, 83, 11, 47, 84, 24, 18.5, 23, 20, 33),
        evidence=1,
        outlook="accurate",
        padding=1,
        plans=1,
    ),
    AuthorityProfile(
        "Norfolk",
        "A large rural county with a long coastline, where families live far from services and the market "
        "and "
        "coastal towns hold most of the need.",
        (
            Point(
                CARE,
                "keeping children close to home",
                "New small children's homes mean more children in care stay in Norfolk.",
            ),
            Point(
                PROTECTION,
                "family safeguarding",
                "Adult practitioners for domestic abuse, mental health and "
                "substance use work inside our children's teams.",
            ),
        ),
        (
            Point(
                FAMILY_HELP,
                "rural reach of family help",
                "Families in rural areas reach family help later, and some only at crisis.",
            ),
            Point(
                SEND,
                "EHC plan timeliness",
                "EHC needs assessments are slow and the backlog is not yet falling.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2023, 9, 29),
            "GGGGG",
            "The timeliness of EHC needs assessments.",
            "The help given to children in rural areas at the earliest point.",
        ),
        _figures(318.2, 24, 33, 21, 63, 9, 55, 89, 15, 13.1, 16, 16, 22),
        evidence=2,
        outlook="accurate",
        padding=2,
        plans=1,
    ),
    AuthorityProfile(
        "Peterborough",
        "A growing city with a young and diverse population, rising demand and a tight local housing market.",
        (
            Point(
                FAMILY_HELP,
                "family hubs",
                "Family hubs in the city's most deprived wards see families without a referral.",
            ),
            Point(
                CARE,
                "kinship care",
                "More children in care now live with relatives, supported by a dedicated kinship team.",
            ),
        ),
        (
            Point(
                LEAVERS,
                "housing for care leavers",
                "Care leavers wait too long for a suitable home in a tight housing market.",
            ),
            Point(
                WORKFORCE,
                "turnover in the assessment teams",
                "Turnover in the assessment teams means families meet too many workers.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2023, 10, 13),
            "RGRRR",
            "Stability of social workers for children in the assessment service.",
            "The quality and timeliness of pathway plans.",
            "Management oversight of decisions to step cases down to family help.",
        ),
        _figures(367.9, 20, 49, 26, 71, 11, 50, 83, 23, 19.7, 21, 18, 36),
        evidence=1,
        outlook="optimistic",
        padding=1,
        plans=2,
    ),
    AuthorityProfile(
        "Southend-on-Sea",
        "A coastal city, small and densely built, with high levels of need in its central wards and many "
        "children placed here by other authorities.",
        (
            Point(
                PROTECTION,
                "a strong front door",
                "Our front door decisions are timely, and partners trust them.",
            ),
            Point(LEAVERS, "care leavers' voice", "Care leavers co-chair our corporate parenting board."),
        ),
        (
            Point(
                CARE,
                "children placed by other authorities",
                "Many children placed here by other authorities "
                "arrive without their plans or their health records.",
            ),
            Point(
                WORKFORCE,
                "newly qualified workers",
                "Many of our social workers are newly qualified and need close support.",
            ),
        ),
        Inspection(
            FOCUSED_VISIT,
            date(2024, 9, 20),
            (),
            (
                "The consistency of management oversight in the assessment teams.",
                "The timeliness of visits to children on child protection plans.",
            ),
            focus="the front door and assessments",
        ),
        _figures(389.4, 19, 51, 23, 80, 10, 54, 87, 17, 14.6, 18, 17, 44),
        evidence=1,
        outlook="optimistic",
        padding=2,
        plans=2,
    ),
    AuthorityProfile(
        "Suffolk",
        "A large rural county whose towns, Ipswich and Lowestoft, hold most of the need; distances are long "
        "and "
        "public transport is thin.",
        (
            Point(
                LEADERS,
                "learning from audit",
                "Every audit ends with a conversation with the family and the "
                "worker, and we act on what it finds.",
            ),
            Point(
                FAMILY_HELP,
                "parenting support",
                "Parenting support is offered in every town, by practitioners families already know.",
            ),
        ),
        (
            Point(CARE, "placement stability for teenagers", "Teenagers in care move home too often."),
            Point(
                SEND,
                "the SEND system",
                "The SEND system is under strain, and families tell us it is hard to navigate.",
            ),
        ),
        Inspection(
            JTAI,
            date(2024, 4, 26),
            (),
            (
                "The sharing of information about children at risk of exploitation between agencies.",
                "The help given to children after they return from going missing.",
            ),
            focus="the multi-agency response to children at risk of criminal exploitation",
        ),
        _figures(294.6, 21, 39, 23, 59, 13, 57, 88, 16, 13.9, 17, 16, 29),
        evidence=2,
        outlook="cautious",
        padding=1,
        plans=1,
    ),
    AuthorityProfile(
        "Thurrock",
        "A unitary authority on the Thames estuary, with ports and logistics, new housing, and families "
        "moving "
        "out from east London.",
        (
            Point(
                PROTECTION,
                "the MASH",
                "Our multi-agency safeguarding hub makes decisions within one working day.",
            ),
            Point(CARE, "placement stability", "Children in care have stable homes, and few move in a year."),
        ),
        (
            Point(
                LEADERS,
                "the council's finances",
                "The council's financial position limits what we can invest in family help.",
            ),
            Point(
                WORKFORCE,
                "agency social workers",
                "We rely on agency social workers, and our vacancy rate is high.",
            ),
        ),
        _ilacs(
            ILACS,
            date(2025, 1, 24),
            "RRGGG",
            "The oversight of children's plans by senior leaders.",
            "The use of performance information to understand the quality of practice.",
        ),
        _figures(330.5, 22, 42, 24, 66, 7, 56, 89, 27, 21.3, 26, 19, 49),
        evidence=1,
        outlook="accurate",
        padding=2,
        plans=1,
    ),
)
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

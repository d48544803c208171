"""The demo's self-assessments and peer reviews as plain values, for tests of the demo content and of the
letters composed from it (no database)."""

from peerchallenge.cycles.defaults import DEFAULT_SCALES, DEFAULT_TEMPLATE
from peerchallenge.demo import reviewing
from peerchallenge.demo.documents import demo_sections

# The default template as the demo writes it: (title, suggested words); and as reviews key it: (id, title,
# scale keys), with made-up ids.
TEMPLATE = [(section.title, section.suggested_words) for section in DEFAULT_TEMPLATE]
SECTIONS = [(number + 100, section.title, section.scales) for number, section in enumerate(DEFAULT_TEMPLATE)]
# Each default scale's level positions by label.
POSITIONS = {
    scale.key: {label: position for position, (label, _) in enumerate(scale.levels)}
    for scale in DEFAULT_SCALES
}


def reviews_of(profile, peers=("Peer 0", "Peer 1")) -> list[dict]:
    """The demo reviews of one authority's demo self-assessment, one per peer."""
    written = demo_sections(profile, TEMPLATE)
    return [
        reviewing.review_content(profile, written, SECTIONS, POSITIONS, number, peer)
        for number, peer in enumerate(peers)
    ]

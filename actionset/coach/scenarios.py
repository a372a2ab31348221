"""Practice scenarios for facilitator training: short problems, written by us, as a presenter might bring them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    presenter: str
    problem: str


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        slug="rota",
        title="The rota that keeps breaking",
        presenter="Priya, ward manager",
        problem=(
            "Every month the night rota falls apart in the last week: two or three people swap shifts at short "
            "notice and I end up covering or paying for agency staff. I've tried a swap form and a deadline and "
            "neither has stuck. The team are good people and I don't want to be the manager who polices them, but "
            "the agency bill is now being raised with me by finance."
        ),
    ),
    Scenario(
        slug="director",
        title="A new director who goes round me",
        presenter="Tom, head of customer services",
        problem=(
            "Our new operations director has started asking my team leaders for figures directly and giving them "
            "instructions without telling me. My team leaders are confused about who they report to. I like a lot "
            "of what she wants to change, but I'm finding out about decisions after they've been made, and I'm not "
            "sure whether to raise it or to wait and see."
        ),
    ),
    Scenario(
        slug="merger",
        title="Two teams, one office",
        presenter="Sam, finance manager",
        problem=(
            "Since the merger I manage two finance teams who now share one office. They still do the same work in "
            "two different ways, eat lunch at different tables and copy me in on each other's mistakes. I have to "
            "present a single process to the board in three months, and I can feel both teams waiting to see whose "
            "way I choose."
        ),
    ),
)


def scenario_for(slug: str | None) -> Scenario:
    """The scenario named by `slug`, or the first one for anything unknown."""
    return next((s for s in SCENARIOS if s.slug == slug), SCENARIOS[0])

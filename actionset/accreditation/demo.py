"""The accreditation part of the demo world (runs after training's).

The candidates on the running foundation cohort have portfolios under way: hours logged, reflections, supervision,
and for some an observation; one has submitted and awaits an assessor. Rachel Finch (facilitator@provider.example)
holds the foundation award, with a valid credential, her hours drawn partly from the sets she facilitates here.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from actionset.accounts.models import User
from actionset.accreditation import services
from actionset.accreditation.awards import awards_load
from actionset.accreditation.feedback import AREAS
from actionset.accreditation.models import Award, EntryKind, Portfolio
from actionset.training.demo import RUNNING_FOUNDATION_COHORT
from actionset.training.models import Booking

#: Sentences about one's own practice, from which the demo's reflections are composed. Nothing of any set's content.
SENTENCES = (
    "I noticed how quickly I wanted to fill the silence after the first round of questions.",
    "When I held back, the presenter found their own next step, and it was a better one than mine would have been.",
    "I contracted more carefully this time, and the set came back to the ground rules without my prompting.",
    "My questions were still too often advice with a question mark at the end.",
    "I tried asking fewer questions myself and inviting the set to notice what had not yet been asked.",
    "Timekeeping was better: I named the time left for each presenter at the start of their airtime.",
    "The process review felt thin, so I asked each member what they would do differently next time, in turn.",
    "I felt the pull to rescue a presenter who was struggling, and chose to trust the set instead.",
    "Supervision helped me see that my discomfort with conflict shapes when I intervene.",
    "Reading about Revans again reminded me that the set exists for action, not for my facilitation to shine.",
    "I want to get better at ending a round cleanly without cutting off a question that matters.",
    "Next time I will check in properly before the progress round, because two members arrived distracted.",
    "The co-facilitator and I agreed beforehand who would hold time, and it freed me to listen.",
    "I recorded my own questions afterwards and counted how many were open: more than last month, still not enough.",
    "When the energy dropped I named it, and the set chose to take a short break rather than push on.",
    "I am learning to treat my own certainty as information about me, not about the presenter's problem.",
    "Observing another facilitator showed me how much a slower pace can do for a set.",
    "The set challenged the contract about lateness, and renegotiating it was the most useful thing we did.",
    "I noticed I summarise too often; it takes ownership away from the presenter.",
    "Writing this log is slowly changing what I pay attention to in the room.",
)


def _reflection(rng: random.Random, words: int) -> str:
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(rng.sample(SENTENCES, 5))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n\n".join(paragraphs)


TITLES = (
    "After my first set as lead facilitator",
    "Silence, and what I do with it",
    "Contracting again",
    "What supervision showed me",
    "Questions that were really advice",
    "A set that renegotiated its contract",
)


def _feedback(rng: random.Random, rating: str) -> dict[str, dict[str, str]]:
    comments = {
        "contracting": "Ground rules agreed at the start and revisited when lateness came up; clear about time.",
        "questioning": "Mostly open questions; one or two carried a hidden suggestion. Good use of silence.",
        "holding": "Airtime held fairly and on time; stayed out of the content even when invited in.",
        "review": "A short but honest process review; could invite more of the members' own observations.",
    }
    return {key: {"rating": rating, "comment": comments[key]} for key, _, _ in AREAS}


def _log(
    portfolio: Portfolio, *, days_ago: int, kind: str, hours: float, size: int | None = 6, where: str = ""
) -> None:
    services.evidence_log(
        actor=portfolio.candidate,
        portfolio=portfolio,
        kind=kind,
        happened_on=timezone.localdate() - dt.timedelta(days=days_ago),
        minutes=round(hours * 60),
        set_size=size if kind != EntryKind.SUPERVISION else None,
        organisation_name=where,
        supervisor="Dr Anna Kovac" if kind == EntryKind.SUPERVISION else "",
    )


def _reflect(portfolio: Portfolio, rng: random.Random, *, days_ago: int, words: int) -> None:
    services.reflection_add(
        actor=portfolio.candidate,
        portfolio=portfolio,
        written_on=timezone.localdate() - dt.timedelta(days=days_ago),
        title=rng.choice(TITLES),
        text=_reflection(rng, words),
    )


def _observe(portfolio: Portfolio, observer: User, *, days_ago: int, rating: str, rng: random.Random) -> None:
    services.observation_record(
        actor=observer,
        portfolio=portfolio,
        role="assessor",
        observed_on=timezone.localdate() - dt.timedelta(days=days_ago),
        minutes=180,
        set_size=6,
        feedback=_feedback(rng, rating),
        summary="A calm, well-held meeting. Keep working on leaving silence after questions.",
    )


def _candidates() -> list[User]:
    bookings = (
        Booking.objects.confirmed()
        .filter(cohort__name=RUNNING_FOUNDATION_COHORT, user__isnull=False)
        .select_related("user")
        .order_by("created_at")
    )
    return [b.user for b in bookings if b.user is not None]


def seed() -> None:
    # Loaded by a migration already, except after a flush (a reset demo, a transactional test): idempotent anyway.
    awards_load()
    foundation = Award.objects.get(slug="foundation")
    assessor = User.objects.get(email="trainer@provider.example")
    rng = random.Random(7)

    for index, candidate in enumerate(_candidates()):
        portfolio = services.portfolio_start(actor=candidate, award=foundation)
        # Since the course days, ten weeks ago: sets at work, a supervision session, a reflection or two.
        _log(portfolio, days_ago=60, kind=EntryKind.CO_FACILITATING, hours=3, where="In-house set")
        _log(portfolio, days_ago=32, kind=EntryKind.FACILITATING, hours=3, where="In-house set")
        _log(portfolio, days_ago=21, kind=EntryKind.SUPERVISION, hours=1.5)
        _reflect(portfolio, rng, days_ago=58, words=280 + 60 * index)
        if index % 2 == 0:
            _log(portfolio, days_ago=4, kind=EntryKind.FACILITATING, hours=3, where="In-house set")
            _reflect(portfolio, rng, days_ago=3, words=320)
            _observe(portfolio, assessor, days_ago=4, rating="developing", rng=rng)
        if index == 3:
            # Ruth facilitated for a year before the course: her portfolio is complete, and with an assessor.
            for days_ago in (400, 330, 260, 200, 150):
                _log(portfolio, days_ago=days_ago, kind=EntryKind.FACILITATING, hours=3, where="Harbour Health")
            _log(portfolio, days_ago=120, kind=EntryKind.SUPERVISION, hours=1)
            _reflect(portfolio, rng, days_ago=100, words=700)
            _reflect(portfolio, rng, days_ago=40, words=600)
            _observe(portfolio, assessor, days_ago=35, rating="secure", rng=rng)
            services.portfolio_submit(
                actor=candidate, portfolio=portfolio, note="My practice before the course is in the hours I logged."
            )

    # Rachel Finch: certified. Her hours are partly the meetings she facilitated here, partly earlier practice.
    rachel = User.objects.get(email="facilitator@provider.example")
    portfolio = services.portfolio_start(actor=rachel, award=foundation)
    for days_ago in (300, 270, 240, 210, 180):
        _log(portfolio, days_ago=days_ago, kind=EntryKind.FACILITATING, hours=3, where="Kestrel open programme")
    _log(portfolio, days_ago=250, kind=EntryKind.OBSERVING, hours=3, where="Kestrel open programme")
    for days_ago in (260, 190, 110):
        _log(portfolio, days_ago=days_ago, kind=EntryKind.SUPERVISION, hours=1)
    for days_ago, words in ((280, 450), (220, 420), (160, 400), (90, 380)):
        _reflect(portfolio, rng, days_ago=days_ago, words=words)
    _observe(portfolio, assessor, days_ago=200, rating="secure", rng=rng)
    services.portfolio_submit(actor=rachel, portfolio=portfolio)
    services.portfolio_decide(
        actor=assessor,
        portfolio=portfolio,
        outcome="pass",
        feedback="A reflective, well-evidenced portfolio. Your contracting is a model for others.",
    )

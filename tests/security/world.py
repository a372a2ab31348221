"""A wider world for the security tests, on top of the shared cast's `programme_world`.

Objects in two organisations; published, unpublished and closed programmes; sets the cast's participant and
facilitator belong to and sets they do not; a set someone has left; released, proposed and withdrawn shared items;
journals of several people; surveys; portfolios of candidates and of a trainer; bookings; enquiries. Enough that
for every list a role could be shown too much or too little.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from actionset.accreditation.models import Portfolio
from actionset.accreditation.tests.factories import portfolio_for
from actionset.learning.models import JournalEntry, SharedItem, Theme
from actionset.privacy.models import DataExport
from actionset.programmes.models import Programme
from actionset.room.models import ContractProposal
from actionset.site.tests.factories import EnquiryFactory, held_enquiry
from actionset.training.models import Material
from actionset.training.tests.factories import BookingFactory, CohortFactory, CourseFactory
from conftest import Cast
from tests.factories import (
    EnrolmentFactory,
    FacilitatorAssignmentFactory,
    LearningSetFactory,
    MeetingFactory,
    MembershipFactory,
    ProgrammeFactory,
    UserFactory,
)


@dataclass
class World:
    cast: Cast
    draft: Programme
    closed: Programme
    other_in_a: Programme
    in_b: Programme
    objects: dict[str, Any] = field(default_factory=dict)


def _published(programme: Programme) -> Programme:
    programme.published_at = timezone.now()
    programme.save(update_fields=["published_at"])
    return programme


def _item(learning_set: Any, status: str, kind: str = SharedItem.Kind.QUESTION) -> SharedItem:
    author = learning_set.memberships.first().enrolment
    return SharedItem.objects.create(
        learning_set=learning_set,
        kind=kind,
        text=f"{kind} from {learning_set.name} ({status})",
        author=author,
        status=status,
        released_at=timezone.now() if status == SharedItem.Status.RELEASED else None,
    )


def _proposal(learning_set: Any) -> ContractProposal:
    return ContractProposal.objects.create(
        learning_set=learning_set,
        based_on=0,
        ground_rules=f"Proposed rules of {learning_set.name}",
        proposed_by=learning_set.memberships.first().enrolment,
    )


def build(cast: Cast) -> World:
    """Everything beyond `programme_world` (call it with the fixture's cast)."""
    assert cast.programme is not None
    assert cast.learning_set is not None
    assert cast.other_set is not None
    users, people = cast.users, cast.people
    now = timezone.now()

    # Organisation A: a programme still recruiting, whose sets are proposals the participant is already in.
    draft = ProgrammeFactory.create(organisation=cast.org_a, status="recruiting", designer=users["designer"])
    draft_set = LearningSetFactory.create(programme=draft, name="Proposed set")
    MembershipFactory.create(
        learning_set=draft_set, enrolment=EnrolmentFactory.create(programme=draft, person=people["a_participant"])
    )
    MembershipFactory.create(learning_set=draft_set)
    FacilitatorAssignmentFactory.create(learning_set=draft_set, user=users["facilitator"])
    MeetingFactory.create(learning_set=draft_set)

    # Organisation A: a closed programme the sponsor sponsored, and a running one designed by someone else, which
    # nobody in the cast belongs to.
    closed = _published(ProgrammeFactory.create(organisation=cast.org_a, status="closed"))
    closed.sponsors.add(people["a_sponsor"])
    MembershipFactory.create(learning_set=LearningSetFactory.create(programme=closed, name="Closed set"))
    other_designer = UserFactory.create(email="other.designer@provider.test", staff_roles=["designer"])
    other_in_a = _published(ProgrammeFactory.create(organisation=cast.org_a, status="running", designer=other_designer))
    elsewhere = LearningSetFactory.create(programme=other_in_a, name="Elsewhere set")
    MembershipFactory.create(learning_set=elsewhere)
    MeetingFactory.create(learning_set=elsewhere)

    # Organisation B: a published programme with B's participant in a set, and one they have left.
    in_b = _published(ProgrammeFactory.create(organisation=cast.org_b, status="running"))
    set_b = LearningSetFactory.create(programme=in_b, name="Set in B")
    MembershipFactory.create(
        learning_set=set_b, enrolment=EnrolmentFactory.create(programme=in_b, person=people["b_participant"])
    )
    MembershipFactory.create(learning_set=set_b)
    MeetingFactory.create(learning_set=set_b)
    left_b = _published(ProgrammeFactory.create(organisation=cast.org_b, status="running"))
    left_set = LearningSetFactory.create(programme=left_b, name="Set B's participant left")
    MembershipFactory.create(
        learning_set=left_set,
        enrolment=EnrolmentFactory.create(programme=left_b, person=people["b_participant"], withdrawn_at=now),
    )
    MeetingFactory.create(learning_set=left_set)

    # What sets have shared, and what they are still deciding on.
    items = {
        "released_question": _item(cast.learning_set, SharedItem.Status.RELEASED),
        "released_lesson": _item(cast.other_set, SharedItem.Status.RELEASED, SharedItem.Kind.LESSON),
        "proposed": _item(cast.learning_set, SharedItem.Status.PROPOSED),
        "withdrawn": _item(cast.other_set, SharedItem.Status.WITHDRAWN),
        "released_in_b": _item(set_b, SharedItem.Status.RELEASED, SharedItem.Kind.THEME),
        "released_elsewhere": _item(elsewhere, SharedItem.Status.RELEASED, SharedItem.Kind.LESSON),
    }
    items["released_lesson"].themes.add(Theme.objects.create(name="Working across sites"))

    # Changes to ground rules a set is still deciding on, in the member's set and in sets they are not in.
    for proposing_set in (cast.learning_set, cast.other_set, set_b):
        _proposal(proposing_set)

    # Journals.
    for role in ("a_participant", "a_participant", "facilitator", "b_participant"):
        JournalEntry.objects.create(author=users[role], title=f"Entry of {role}", about_myself="Noticed something.")

    # Surveys: the start of A's programme and of B's.
    from actionset.evaluation.tests.factories import occasion

    occasions = [occasion(cast.programme), occasion(in_b), occasion(draft)]

    # Portfolios: the participant's own, a trainer's own (submitted), another candidate's (submitted, passed).
    from actionset.accreditation import services as accreditation

    mine = portfolio_for(users["a_participant"])
    trainers_own = portfolio_for(users["trainer"])
    accreditation.portfolio_submit(actor=users["trainer"], portfolio=trainers_own, accept_unmet=True)
    stranger = portfolio_for(UserFactory.create())
    accreditation.portfolio_submit(actor=stranger.candidate, portfolio=stranger, accept_unmet=True)
    passed = portfolio_for(UserFactory.create())
    Portfolio.objects.filter(pk=passed.pk).update(status=Portfolio.Status.PASSED)
    buddy_of = portfolio_for(UserFactory.create())
    buddy_of.buddies.create(user=users["facilitator"])
    from tests.matrix_accreditation import fresh_credential

    fresh_credential(cast)

    # Training: a published course and a draft one; the participant's booking, one by email only, a stranger's.
    cohort = CohortFactory.create(capacity=10)
    Material.objects.create(cohort=cohort, title="Reading", url="https://example.org/reading")
    CohortFactory.create(course=CourseFactory.create(is_published=False), capacity=5)
    BookingFactory.create(cohort=cohort, user=users["a_participant"], email=users["a_participant"].email)
    BookingFactory.create(cohort=cohort, user=None, email=users["developer"].email.upper())
    BookingFactory.create(cohort=cohort)

    # The pipeline.
    EnquiryFactory.create()
    EnquiryFactory.create(stage="proposal", next_step_on=timezone.localdate() - dt.timedelta(days=2))
    held_enquiry()

    # Subject-access archives: one the participant asked for, one an administrator asked for on their behalf.
    for asker in (users["a_participant"], users["administrator"]):
        DataExport.objects.create(
            subject_user=users["a_participant"], requested_by=asker, expires_at=timezone.now() + DataExport.KEEP
        )

    return World(
        cast=cast,
        draft=draft,
        closed=closed,
        other_in_a=other_in_a,
        in_b=in_b,
        objects={"items": items, "occasions": occasions, "portfolios": [mine, trainers_own, stranger, passed]},
    )


def outsiders_of_the_set(cast: Any, *, anonymous: bool = True) -> dict[str, Any]:
    """A signed-in client for every role of the cast (and the anonymous visitor, unless `anonymous` is False), plus
    a member and a facilitator of the programme's other set: everyone who is outside `cast.learning_set`."""
    from django.test import Client

    from conftest import ROLES

    assert cast.other_set is not None
    clients = {role: cast.client(role) for role in ROLES if anonymous or role != "anonymous"}
    neighbour = UserFactory.create(email="neighbour@org.test")
    enrolment = EnrolmentFactory.create(programme=cast.other_set.programme, person__organisation=cast.org_a)
    enrolment.person.user = neighbour
    enrolment.person.save()
    MembershipFactory.create(learning_set=cast.other_set, enrolment=enrolment)
    other_facilitator = UserFactory.create(email="other.facilitator@provider.test", staff_roles=["facilitator"])
    FacilitatorAssignmentFactory.create(learning_set=cast.other_set, user=other_facilitator)
    for key, user in (("other_set_member", neighbour), ("other_set_facilitator", other_facilitator)):
        clients[key] = Client()
        clients[key].force_login(user)
    return clients

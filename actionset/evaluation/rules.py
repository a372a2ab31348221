"""Access rules for evaluation: instruments, responses, the sponsor dashboard and report (see actionset.core.access).

Answers are personal: no rule here lets anyone but the respondent read one. Results are programme-tier and
reach readers only through `results.programme_results`, which leaves out every group under five.
"""

from django.db import models
from django.db.models import Exists, OuterRef, Q

from actionset.core.access import (
    ADMINISTRATOR,
    DESIGNER,
    ORG_ADMIN,
    SPONSOR,
    Actor,
    Rule,
    Where,
    anyone,
    either,
    filtered,
    path_to,
    register_rules,
    signed_in,
    staff,
)
from actionset.evaluation.models import Occasion, Response, Timing
from actionset.meetings.models import Attendance, Meeting
from actionset.organisations.rules import in_organisation
from actionset.programmes.models import Enrolment

_knows_organisation = either(staff(), in_organisation())


def _asked_where(actor: Actor, model: type[models.Model]) -> Where:
    """Occasions that ask the actor, or that they already answered (their answers stay theirs to read).

    The filter form of `services.eligible_enrolments`: everyone active in the programme is asked; after a meeting,
    only those whose set held it and who were not recorded as away from it."""
    if not actor.is_authenticated:
        return False
    each_meeting = Timing.EACH_MEETING
    mine = Enrolment.objects.active().filter(person__user=actor.user)
    held = Meeting.objects.filter(status=Meeting.Status.HELD, number=OuterRef(OuterRef("meeting_number")))
    at_meeting = (
        mine.filter(programme=OuterRef("programme"))
        .filter(Exists(held.filter(learning_set__memberships__enrolment=OuterRef("pk"))))
        .exclude(
            Exists(
                Attendance.objects.filter(
                    enrolment=OuterRef("pk"),
                    meeting__status=Meeting.Status.HELD,
                    meeting__number=OuterRef(OuterRef("meeting_number")),
                    meeting__learning_set__programme=OuterRef(OuterRef("programme")),
                ).exclude(status=Attendance.Status.PRESENT)
            )
        )
    )
    asked = Occasion.objects.filter(
        Q(pk__in=Response.objects.filter(enrolment__person__user=actor.user).values("occasion_id"))
        | (~Q(timing=each_meeting) & Q(programme__in=mine.values("programme_id")))
        | (Q(timing=each_meeting) & Exists(at_meeting))
    ).values("pk")
    path = path_to(model, Occasion, ("occasion",))
    return Q(**{f"{path}__in" if path else "pk__in": asked})


#: The person an occasion asks, or who already answered it.
asked_to_answer = filtered("asked_to_answer", _asked_where)


register_rules(
    {
        "evaluation.dashboard": Rule(
            "See a programme's results, health and shared learning, and export its report (as programme.view)",
            _knows_organisation,
            either(staff(), in_organisation(ORG_ADMIN, SPONSOR)),
        ),
        "evaluation.instruments": Rule("Read the library of evaluation instruments", staff(), staff()),
        "evaluation.instrument_import": Rule(
            "Add an instrument to the library by importing its definition", staff(), staff(ADMINISTRATOR, DESIGNER)
        ),
        "evaluation.surveys": Rule(
            "See the surveys one is asked to answer, and one's own answers", signed_in, signed_in
        ),
        # The signed link is the key: it names one person and one survey, and it never shows answers back.
        "evaluation.answer_by_link": Rule(
            "Answer a survey through one's own emailed link, without a login", anyone, anyone, requires_login=False
        ),
        "evaluation.respond": Rule(
            "Answer a survey, or read one's own answers to it", _knows_organisation, asked_to_answer
        ),
    }
)

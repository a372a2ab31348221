"""Access rules for evaluation: instruments, responses, the sponsor dashboard and report (see actionset.core.access).

Answers are personal: no rule here lets anyone but the respondent read one. Results are programme-tier and
reach readers only through `results.programme_results`, which leaves out every group under five.
"""

from typing import Any

from django.db import connection, models
from django.db.models import Q

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
from actionset.core.request_memo import for_login, forget_on_change
from actionset.evaluation.models import Occasion, Response, Timing
from actionset.meetings.models import Attendance, Meeting
from actionset.organisations.models import Person
from actionset.organisations.rules import in_organisation
from actionset.programmes.models import Enrolment
from actionset.sets.models import LearningSet, Membership

_knows_organisation = either(staff(), in_organisation())


def _asked_where(actor: Actor, model: type[models.Model]) -> Where:
    """Occasions that ask the actor, or that they already answered (their answers stay theirs to read)."""
    if not actor.is_authenticated:
        return False
    path = path_to(model, Occasion, ("occasion",))
    return Q(**{f"{path}__in" if path else "pk__in": sorted(_asked(actor))})


def _asked(actor: Actor) -> frozenset[int]:
    """The ids of the occasions that ask the actor or that they answered, read once a request.

    The filter form of `services.eligible_enrolments`: everyone active in the programme is asked; after a meeting,
    only those whose set held it and who were not recorded as away from it. As one subquery of
    nested EXISTS built by the ORM, building it cost every participant's home page about 4 CPU-ms; as separate ORM
    queries, more. Written out once, it is one statement whose answer is a handful of ids."""
    return for_login(ASKED_KEPT, actor.user.pk, lambda: _find_asked(actor))


def _find_asked(actor: Actor) -> frozenset[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            _ASKED_SQL,
            {
                "user": actor.user.pk,
                "each_meeting": Timing.EACH_MEETING.value,
                "held": Meeting.Status.HELD.value,
                "present": Attendance.Status.PRESENT.value,
            },
        )
        return frozenset(pk for (pk,) in cursor.fetchall())


def _asked_sql() -> str:
    """The statement `_asked` runs. The names come from the models, so a renamed table or column cannot leave it
    behind; `test_rules.py` holds it to `services.eligible_enrolments` for every person and occasion of a world."""
    occasion, response, enrolment = Occasion._meta, Response._meta, Enrolment._meta
    person, membership, meeting = Person._meta, Membership._meta, Meeting._meta
    attendance, learning_set = Attendance._meta, LearningSet._meta

    def c(meta: Any, name: str) -> str:
        return str(meta.get_field(name).column)

    def mine(alias: str) -> str:
        # The login's own enrolments (through the person it is linked to).
        return (
            f"JOIN {person.db_table} pe ON pe.{person.pk.column} = {alias}.{c(enrolment, 'person')} "
            f"AND pe.{c(person, 'user')} = %(user)s"
        )

    held_here = (
        f"SELECT 1 FROM {membership.db_table} ms JOIN {meeting.db_table} mt "
        f"ON mt.{c(meeting, 'learning_set')} = ms.{c(membership, 'learning_set')} "
        f"AND mt.{c(meeting, 'status')} = %(held)s AND mt.{c(meeting, 'number')} = o.{c(occasion, 'meeting_number')} "
        f"WHERE ms.{c(membership, 'enrolment')} = e.{enrolment.pk.column}"
    )
    away = (
        f"SELECT 1 FROM {attendance.db_table} a JOIN {meeting.db_table} mt "
        f"ON mt.{meeting.pk.column} = a.{c(attendance, 'meeting')} AND mt.{c(meeting, 'status')} = %(held)s "
        f"AND mt.{c(meeting, 'number')} = o.{c(occasion, 'meeting_number')} "
        f"JOIN {learning_set.db_table} s ON s.{learning_set.pk.column} = mt.{c(meeting, 'learning_set')} "
        f"AND s.{c(learning_set, 'programme')} = o.{c(occasion, 'programme')} "
        f"WHERE a.{c(attendance, 'enrolment')} = e.{enrolment.pk.column} AND a.{c(attendance, 'status')} <> %(present)s"
    )
    return (
        f"SELECT r.{c(response, 'occasion')} FROM {response.db_table} r "
        f"JOIN {enrolment.db_table} e ON e.{enrolment.pk.column} = r.{c(response, 'enrolment')} {mine('e')} "
        "UNION "
        f"SELECT o.{occasion.pk.column} FROM {occasion.db_table} o "
        f"JOIN {enrolment.db_table} e ON e.{c(enrolment, 'programme')} = o.{c(occasion, 'programme')} "
        f"AND e.{c(enrolment, 'withdrawn_at')} IS NULL {mine('e')} "
        f"WHERE o.{c(occasion, 'timing')} <> %(each_meeting)s "
        f"OR (EXISTS ({held_here}) AND NOT EXISTS ({away}))"
    )


_ASKED_SQL = _asked_sql()


#: What each login is asked is read once a request under this name (core/request_memo.py), and again once it may
#: have changed.
ASKED_KEPT = "evaluation:asked"
forget_on_change(ASKED_KEPT, Response, Enrolment, Occasion, Membership, Meeting, Attendance)


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

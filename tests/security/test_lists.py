"""Every list shows each person exactly what the access rules let them open: no more, and no less.

For each list page (and the lists inside pages: home cards, exports, calendar feeds), as every role of the cast,
the objects the page shows are compared with the objects of its model for which `can(actor, rule, obj)` holds —
narrowed only by what the page is about (upcoming meetings, submitted portfolios), never by who may see them. A new
list page is one line in `LISTS`.

Also: every rule's database filter (`visible`) keeps exactly the objects its one-object check (`can`) allows,
for every model the rule is asked about, over the same world.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.db.models import Q
from django.urls import resolve, reverse
from django.utils import timezone

from actionset.accreditation.models import Credential, EvidenceEntry, Portfolio, Reflection
from actionset.core.access import RULES, Actor, can, visible
from actionset.evaluation.models import Instrument, Occasion
from actionset.learning.models import JournalEntry, SharedItem, Theme
from actionset.meetings.models import Meeting
from actionset.meetings.services import calendar_feed_create
from actionset.organisations.models import Organisation, Person
from actionset.privacy.models import DataExport
from actionset.programmes.models import Enrolment, Programme
from actionset.room.models import ContractProposal
from actionset.sets.models import LearningSet
from actionset.site.models import Enquiry
from actionset.training.models import Booking, Cohort, Course, Material
from conftest import ROLES, Cast
from tests.security.world import World, build

#: What a page is about, for one actor: a narrowing that is the page's subject, never a matter of access.
About = Callable[[Actor, World], Q]


def everything(actor: Actor, world: World) -> Q:
    return Q()


def _upcoming(actor: Actor, world: World) -> Q:
    return Q(status=Meeting.Status.SCHEDULED, ends_at__gte=timezone.now())


def _open(actor: Actor, world: World) -> Q:
    return ~Q(status=Programme.Status.CLOSED)


@dataclass(frozen=True)
class ListPage:
    """A list on a page: where it is, how to read what it shows, and the rule its objects are shown under."""

    url: Callable[[World, str], str]
    shown: Callable[[Any], Iterable[Any] | None]
    model: type[models.Model]
    rule: str
    about: About = everything


def at(name: str, **kwargs: Callable[[World], Any]) -> Callable[[World, str], str]:
    return lambda world, role: reverse(name, kwargs={k: f(world) for k, f in kwargs.items()})


def context(key: str, pick: Callable[[Any], Iterable[Any]] = lambda value: value) -> Callable[[Any], Any]:
    """The objects under `key` in the page's context; None where the page does not list them for this person."""

    def shown(response: Any) -> Iterable[Any] | None:
        if response.context is None or key not in response.context:
            return None
        return pick(response.context[key])

    return shown


def panel(template: str, key: str, pick: Callable[[Any], Iterable[Any]]) -> Callable[[Any], Any]:
    """The objects under `key` in a home-page panel's context (None when the panel is not shown)."""

    def shown(response: Any) -> Iterable[Any] | None:
        # A panel may be shown once per organisation (its directory, its programmes): what they list, together.
        found = [p for p in response.context["panels"] if p.template == template]
        if not found:
            return None
        return [obj for p in found for obj in pick(p.context.get(key, []))]

    return shown


def programme_a(world: World) -> Any:
    assert world.cast.programme is not None
    return world.cast.programme.public_id


def org_a(world: World) -> Any:
    return world.cast.org_a.public_id


def _shared_index(response: Any) -> Iterable[Any]:
    if response.status_code == 302:
        # One programme to read: the index goes straight to it.
        match = resolve(response["Location"])
        return [match.kwargs["programme"]]
    return [programme for programme, _ in response.context["rows"]]


def _released_on_page(response: Any) -> Iterable[Any]:
    c = response.context
    return [i.public_id for key in ("unanswered", "answered", "lessons", "set_themes") for i in c[key]]


def _csv_people(response: Any) -> Iterable[Any]:
    rows = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    return [Person.objects.get(email=row["Email"]) for row in rows]


def _feed_meetings(response: Any) -> Iterable[Any]:
    text = response.content.decode()
    uids = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("UID:meeting-")]
    return [uuid.UUID(u.removeprefix("meeting-").split("@")[0]) for u in uids]


def _feed(world: World, role: str) -> str:
    return reverse("meetings:calendar_feed", kwargs={"token": calendar_feed_create(actor=world.cast.users[role])})


def _member_of(actor: Actor, world: World) -> Q:
    return Q(pk__in=LearningSet.objects.filter(memberships__enrolment__person__user=actor.user).values("pk"))


def _sponsored(actor: Actor, world: World) -> Q:
    return Q(pk__in=Programme.objects.filter(sponsors__user=actor.user).values("pk"))


def _at_organisations_administered(actor: Actor, world: World) -> Q:
    administered = Organisation.objects.filter(people__user=actor.user, people__roles__role="admin")
    return Q(organisation__in=administered.values("pk")) & _open(actor, world)


def _bookings_of(actor: Actor, world: World) -> Q:
    if not actor.is_authenticated:
        return Q(pk__in=[])
    return Q(pk__in=Booking.objects.for_user(actor.user).values("pk"))


LISTS: dict[str, ListPage] = {
    "organisations": ListPage(
        at("organisations:list"),
        context("organisations"),
        Organisation,
        "organisation.view",
    ),
    "programmes": ListPage(
        at("programmes:list"),
        context("groups", lambda groups: [p for _, listed in groups for p in listed]),
        Programme,
        "programme.view",
    ),
    "home: client organisations": ListPage(
        at("core:home"),
        panel("organisations/_home_clients.html", "organisations", list),
        Organisation,
        "organisation.view",
    ),
    "home: your set": ListPage(
        at("core:home"), panel("sets/_home_my_sets.html", "my_sets", list), LearningSet, "set.view", _member_of
    ),
    "home: sets you facilitate": ListPage(
        at("core:home"),
        panel("sets/_home_facilitating.html", "facilitating", list),
        LearningSet,
        "set.view",
        lambda a, w: Q(pk__in=LearningSet.objects.filter(facilitators__user=a.user).values("pk")),
    ),
    "sets you facilitate": ListPage(
        at("meetings:facilitating"),
        context("page", lambda page: page.object_list),
        LearningSet,
        "set.view",
        lambda a, w: Q(pk__in=LearningSet.objects.filter(facilitators__user=a.user).values("pk")),
    ),
    "home: next meetings": ListPage(
        at("core:home"), panel("meetings/_home_next.html", "next_meetings", list), Meeting, "meeting.content", _upcoming
    ),
    "home: programmes you sponsor": ListPage(
        at("core:home"),
        panel("programmes/_home_sponsoring.html", "programmes", list),
        Programme,
        "programme.view",
        lambda a, w: _sponsored(a, w) & _open(a, w),
    ),
    "home: your organisation's programmes": ListPage(
        at("core:home"),
        panel("programmes/_home_organisation.html", "programmes", list),
        Programme,
        "programme.view",
        _at_organisations_administered,
    ),
    "home: programmes you are joining": ListPage(
        at("core:home"),
        panel("programmes/_home_joining.html", "joining", list),
        Programme,
        "programme.own_enrolment",
        lambda a, w: Q(published_at__isnull=True) & _open(a, w),
    ),
    "home: programmes you design": ListPage(
        at("core:home"),
        panel("programmes/_home_designing.html", "designing", list),
        Programme,
        "programme.design",
        lambda a, w: Q(designer=a.user) & _open(a, w),
    ),
    "home: questions from the sets": ListPage(
        at("core:home"),
        panel("learning/home_panel.html", "sponsoring", lambda rows: [r["programme"] for r in rows]),
        Programme,
        "learning.programme",
        lambda a, w: _sponsored(a, w) & Q(published_at__isnull=False),
    ),
    "home: your portfolios": ListPage(
        at("core:home"),
        panel("accreditation/home_candidate.html", "portfolio_rows", lambda rows: [p for p, _ in rows]),
        Portfolio,
        "portfolio.view",
        lambda a, w: Q(candidate=a.user),
    ),
    "journal": ListPage(at("learning:journal"), context("entries"), JournalEntry, "learning.journal_entry"),
    "shared learning": ListPage(
        at("learning:shared_index"), _shared_index, Programme, "learning.programme", lambda a, w: ~Q(published_at=None)
    ),
    "a programme's shared learning": ListPage(
        at("learning:programme", programme=programme_a),
        _released_on_page,
        SharedItem,
        "learning.released",
        lambda a, w: Q(learning_set__programme=w.cast.programme),
    ),
    "themes": ListPage(
        lambda world, role: reverse("learning:themes") + "?show=all",
        context("items", lambda items: [i.public_id for i in items]),
        SharedItem,
        "learning.released",
    ),
    "directory": ListPage(
        at("organisations:people", organisation=org_a),
        context("page", lambda page: page.object_list),
        Person,
        "people.view",
        lambda a, w: Q(organisation=w.cast.org_a),
    ),
    "directory export": ListPage(
        at("organisations:people_export", organisation=org_a, fmt=lambda w: "csv"),
        _csv_people,
        Person,
        "people.view",
        lambda a, w: Q(organisation=w.cast.org_a),
    ),
    "calendar": ListPage(
        at("meetings:calendar"),
        context("next_meetings"),
        Meeting,
        "meeting.content",
        _upcoming,
    ),
    "calendar feed": ListPage(_feed, _feed_meetings, Meeting, "meeting.content"),
    "surveys": ListPage(
        at("evaluation:surveys"),
        context("surveys", lambda surveys: [s.occasion for s in surveys]),
        Occasion,
        "evaluation.respond",
        lambda a, w: Q(programme__published_at__isnull=False, opens_on__lte=timezone.localdate()),
    ),
    "your courses": ListPage(
        at("training:my_bookings"),
        lambda r: [*r.context["live"], *r.context["cancelled"]],
        Booking,
        "training.booking",
        _bookings_of,
    ),
    "training catalogue": ListPage(
        at("training:catalogue"),
        context("rows", lambda rows: [row["course"] for row in rows]),
        Course,
        "training.course.view",
        lambda a, w: Q(is_published=True),
    ),
    "training courses kept": ListPage(at("training:manage"), context("courses"), Course, "training.manage"),
    "awards": ListPage(
        at("accreditation:mine"),
        context("rows", lambda rows: [row["portfolio"] for row in rows if row["portfolio"]]),
        Portfolio,
        "portfolio.view",
        lambda a, w: Q(candidate=a.user),
    ),
    "awards: observing for": ListPage(
        at("accreditation:mine"),
        context("buddying"),
        Portfolio,
        "portfolio.observe",
        lambda a, w: Q(
            pk__in=Portfolio.objects.filter(buddies__user=a.user).values("pk"), status__in=Portfolio.EDITABLE
        ),
    ),
    "assessments: waiting": ListPage(
        at("accreditation:assessments"),
        context("waiting"),
        Portfolio,
        "portfolio.assess",
        lambda a, w: Q(status=Portfolio.Status.SUBMITTED),
    ),
    "assessments: in progress": ListPage(
        at("accreditation:assessments"),
        context("in_progress"),
        Portfolio,
        "portfolio.assess",
        lambda a, w: Q(status__in=Portfolio.EDITABLE),
    ),
    "assessments: passed": ListPage(
        at("accreditation:assessments"),
        context("passed"),
        Portfolio,
        "portfolio.view",
        lambda a, w: Q(status=Portfolio.Status.PASSED),
    ),
    "enquiries": ListPage(
        at("site:pipeline"),
        context("columns", lambda columns: [e for column in columns for e in column["enquiries"]]),
        Enquiry,
        "site.pipeline",
        lambda a, w: Q(pk__in=Enquiry.objects.in_pipeline().values("pk")),
    ),
    "enquiries held": ListPage(
        at("site:pipeline"),
        context("held"),
        Enquiry,
        "site.pipeline",
        lambda a, w: Q(pk__in=Enquiry.objects.held().values("pk")),
    ),
    "a programme's sets": ListPage(
        at("programmes:detail", programme=programme_a),
        context("sets"),
        LearningSet,
        "programme.view",
        lambda a, w: Q(programme=w.cast.programme),
    ),
    "a programme's pool": ListPage(
        at("programmes:pool", programme=programme_a),
        context("enrolments"),
        Enrolment,
        "programme.pool",
        lambda a, w: Q(programme=w.cast.programme, withdrawn_at__isnull=True),
    ),
    "a programme's schedule": ListPage(
        at("meetings:schedule", programme=programme_a),
        context("rows", lambda rows: [m for row in rows for m in row.meetings]),
        Meeting,
        "programme.view",
        lambda a, w: Q(learning_set__programme=w.cast.programme),
    ),
    "instruments": ListPage(at("evaluation:instruments"), context("instruments"), Instrument, "evaluation.instruments"),
}


@pytest.fixture
def world(programme_world: Cast) -> World:
    return build(programme_world)


def _keys(model: type[models.Model], objects: Iterable[Any]) -> set[int]:
    keys = set()
    for obj in objects:
        if isinstance(obj, models.Model):
            keys.add(obj.pk)
        else:
            keys.add(model._default_manager.get(public_id=obj).pk)
    return keys


def _allowed(actor: Actor, page: ListPage, world: World) -> set[int]:
    narrowed = page.model._default_manager.filter(page.about(actor, world))
    return {obj.pk for obj in narrowed if can(actor, page.rule, obj)}


@pytest.mark.parametrize("name", sorted(LISTS))
def test_each_list_shows_each_role_exactly_what_the_rules_allow(world: World, name: str) -> None:
    page = LISTS[name]
    cast = world.cast
    wrong: list[str] = []
    listed_somewhere = False
    for role in ROLES:
        if role == "anonymous" and page.rule != "training.course.view":
            continue
        response = cast.client(role).get(page.url(world, role))
        if response.status_code in (403, 404) or (
            response.status_code == 302 and "/accounts/login/" in response["Location"]
        ):
            continue  # refused the page itself: the access matrix checks who may open it
        shown = page.shown(response)
        if shown is None:
            continue
        actor = Actor(cast.users.get(role))
        got, allowed = _keys(page.model, shown), _allowed(actor, page, world)
        listed_somewhere = listed_somewhere or bool(got)
        if got != allowed:
            extra = sorted(str(o) for o in page.model._default_manager.filter(pk__in=got - allowed))
            missing = sorted(str(o) for o in page.model._default_manager.filter(pk__in=allowed - got))
            wrong.append(f"{role}: shown but not allowed {extra}; allowed but not shown {missing}")
    assert listed_somewhere, f"{name}: the world should give this list something to show someone"
    assert wrong == [], f"{name}:\n" + "\n".join(wrong)


#: The models each rule decides on (its views' targets), for checking its filter against its one-object test.
RULE_MODELS: dict[str, tuple[type[models.Model], ...]] = {
    "public": (),
    "signed_in": (),
    "provider.audit": (),
    "provider.staff": (),
    "organisations.list": (),
    "organisations.create": (),
    "programmes.list": (),
    "calendar.manage": (),
    "accreditation.own": (),
    "assessments.list": (),
    "evaluation.instruments": (Instrument,),
    "evaluation.instrument_import": (),
    "evaluation.surveys": (),
    "evaluation.answer_by_link": (),
    "learning.journal": (),
    "learning.themes": (Theme,),
    "site.edit": (),
    "site.pipeline": (Enquiry,),
    "training.manage": (Course, Cohort, Material),
    "organisation.view": (Organisation,),
    "organisation.edit": (Organisation,),
    "people.view": (Organisation, Person),
    "people.manage": (Organisation, Person),
    "people.roles": (Person,),
    "people.recovery": (Person,),
    "people.deactivate": (Person,),
    "organisation.two_factor": (Organisation,),
    "organisation.sso": (Organisation,),
    "provider.sso": (),
    "provider.admin": (),
    "programme.create": (Organisation,),
    # Venues are the provider's list, judged by role alone: staff designers and administrators.
    "venues.manage": (),
    "programme.view": (Programme, LearningSet, Meeting),
    "programme.design": (Programme, Meeting),
    "programme.pool": (Programme, Enrolment),
    "programme.own_enrolment": (Programme,),
    "programme.keep_apart": (Programme,),
    "set.view": (LearningSet, Meeting),
    "set.design": (LearningSet, Meeting),
    "set.meeting_link": (LearningSet,),
    "meeting.content": (LearningSet, Meeting, ContractProposal),
    "meeting.facilitate": (LearningSet, Meeting),
    "learning.journal_entry": (JournalEntry,),
    "learning.journal_meeting": (Meeting,),
    "learning.sharing": (LearningSet,),
    "learning.item": (SharedItem,),
    "learning.record": (SharedItem,),
    "learning.programme": (Programme,),
    "learning.released": (SharedItem,),
    "learning.answer": (SharedItem,),
    "learning.tag": (SharedItem,),
    "evaluation.dashboard": (Programme,),
    "evaluation.respond": (Occasion,),
    "training.course.view": (Course,),
    "training.cohort.view": (Cohort,),
    "training.material": (Material,),
    "training.booking": (Booking,),
    "portfolio.view": (Portfolio,),
    "portfolio.edit": (Portfolio, EvidenceEntry, Reflection),
    "portfolio.observe": (Portfolio,),
    "portfolio.assess": (Portfolio,),
    "credential.revoke": (Credential,),
    "privacy.own": (),
    "privacy.export": (DataExport,),
    "privacy.person": (),
    "privacy.retention": (),
}


def test_every_rule_says_which_models_it_decides_on() -> None:
    assert set(RULE_MODELS) == set(RULES), "Add the rule to RULE_MODELS with the models its views load"


@pytest.mark.parametrize("rule_name", sorted(name for name, targets in RULE_MODELS.items() if targets))
def test_a_rules_list_filter_keeps_exactly_what_its_object_check_allows(world: World, rule_name: str) -> None:
    from actionset.accreditation import services as accreditation

    cast = world.cast
    portfolio = world.objects["portfolios"][0]
    accreditation.evidence_log(
        actor=portfolio.candidate, portfolio=portfolio, kind="observing", happened_on=dt.date(2024, 1, 1), minutes=60
    )
    accreditation.reflection_add(
        actor=portfolio.candidate, portfolio=portfolio, written_on=dt.date(2024, 1, 1), title="On", text="Text."
    )
    wrong = []
    for model in RULE_MODELS[rule_name]:
        everything_of_model = list(model._default_manager.all())
        assert everything_of_model, f"the world has no {model.__name__}"
        for role in ROLES:
            actor = Actor(cast.users.get(role))
            by_filter = set(visible(actor, rule_name, model._default_manager.all()).values_list("pk", flat=True))
            by_check = {obj.pk for obj in everything_of_model if can(actor, rule_name, obj)}
            if by_filter != by_check:
                wrong.append(f"{model.__name__} as {role}: filter {sorted(by_filter)}, check {sorted(by_check)}")
    assert wrong == []

"""Erasure: nothing of the person is left in any table; other people's records and the figures stay whole."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import models
from django.db.models import Count
from django.urls import reverse

from actionset.accounts.models import User
from actionset.accreditation.models import Portfolio
from actionset.core.models import AuditEvent
from actionset.core.tasks import email_deliver
from actionset.evaluation.models import Response
from actionset.organisations.models import Person
from actionset.privacy import services
from actionset.privacy.erasure import ErasureRefused, person_erase
from actionset.privacy.held import Subject
from actionset.programmes.models import Enrolment
from actionset.room.models import Action, ProcessReview
from actionset.sets.models import Membership
from conftest import Cast

from .world import subject_and_other


def _everything_written() -> str:
    """Every text field of every row of every model installed (ours, allauth's, the task queue's, Django's), as one
    string to look for words in."""
    found: list[str] = []
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            if isinstance(f, models.CharField | models.TextField | models.JSONField):
                found += [str(value) for value in model._default_manager.values_list(f.name, flat=True) if value]
    return "\n".join(found)


def _figures() -> dict[str, Any]:
    return {
        "responses": Response.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "set_sizes": dict(
            Membership.objects.values_list("learning_set").annotate(n=Count("pk")).values_list("learning_set", "n")
        ),
        "ratings": sorted(ProcessReview.objects.values_list("rating", flat=True)),
        "actions": Action.objects.count(),
    }


def test_nothing_of_the_person_is_left_in_any_table_and_the_figures_stand(programme_world: Cast) -> None:
    subject, other = subject_and_other(programme_world)
    # Mail in the queue's table, as production keeps it (the tests' own mail is sent at once).
    for planted in (subject, other):
        message = {"to": [planted.user.email], "subject": "Hello", "text": f"Dear {planted.user.name}", "html": ""}
        email_deliver.using(backend="default").enqueue({**message, "attachments": []})
    before = _figures()
    written = _everything_written()
    assert all(word in written for word in subject.theirs().values()), "the canary must be planted to be erased"

    person_erase(actor=programme_world.users["administrator"], subject=Subject.of_user(subject.user))

    written = _everything_written()
    assert sorted(f for f, w in subject.theirs().items() if w in written) == []
    # Everyone else's words, and the set's own (its ground rules, a facilitator's notes), are where they were.
    assert sorted(f for f, w in other.words.items() if w not in written) == []
    assert sorted(f for f, w in subject.words.items() if f not in subject.theirs() and w not in written) == []
    assert _figures() == before


def test_their_set_sees_a_former_member_where_they_were(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    person_erase(actor=programme_world.users["administrator"], subject=Subject.of_user(subject.user))
    person = Person.objects.get(pk=subject.person.pk)
    assert person.name == "A former member"
    action = Action.objects.get(owner__person=person)
    assert action.owner.person.name == "A former member"
    user = User.objects.get(pk=subject.user.pk)
    assert not user.is_active
    assert not user.has_usable_password()


def test_the_erasure_is_audited_without_what_was_erased(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    person_erase(actor=programme_world.users["administrator"], subject=Subject.of_user(subject.user))
    event = AuditEvent.objects.get(action="person.erased")
    assert event.actor == programme_world.users["administrator"]
    assert event.target_label == "A former member"
    assert event.detail["rows"]["journal_entries"] == 1
    recorded = f"{event.detail} {event.target_label} {event.actor_email}"
    assert not [w for w in subject.words.values() if w in recorded]


def test_a_legal_hold_stops_erasure_until_it_is_released(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    admin = programme_world.users["administrator"]
    hold = services.hold_place(actor=admin, subject=Subject.of_user(subject.user), reason="Tribunal claim")
    with pytest.raises(ErasureRefused, match="legal hold"):
        person_erase(actor=admin, subject=Subject.of_user(subject.user))
    assert Person.objects.get(pk=subject.person.pk).name == subject.words["organisations.Person.name"]
    services.hold_release(actor=admin, hold=hold)
    person_erase(actor=admin, subject=Subject.of_user(subject.user))


def test_an_open_assessment_stops_erasure(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    Portfolio.objects.filter(candidate=subject.user).update(status=Portfolio.Status.SUBMITTED)
    with pytest.raises(ErasureRefused, match="assessor"):
        person_erase(actor=programme_world.users["administrator"], subject=Subject.of_user(subject.user))


def test_a_person_without_a_login_is_erased_too(programme_world: Cast) -> None:
    assert programme_world.learning_set is not None
    member = programme_world.learning_set.memberships.exclude(enrolment__person__user__isnull=False).first()
    assert member is not None
    person = member.enrolment.person
    name = person.name
    person_erase(actor=programme_world.users["administrator"], subject=Subject.of_person(person))
    person.refresh_from_db()
    assert person.name == "A former member"
    assert not Person.objects.filter(name=name).exists()


def test_an_administrator_erases_through_the_page_after_confirming(programme_world: Cast) -> None:
    subject, _ = subject_and_other(programme_world)
    admin = programme_world.client("administrator")
    url = reverse("privacy:person_erase", kwargs={"subject": subject.person.public_id})
    page = admin.get(url)
    assert "Type ERASE to confirm" in page.content.decode()
    refused = admin.post(url, {"confirm": "yes"})
    assert refused.status_code == 200
    assert Person.objects.get(pk=subject.person.pk).name == subject.words["organisations.Person.name"]
    assert admin.post(url, {"confirm": "ERASE"}).status_code == 302
    assert Person.objects.get(pk=subject.person.pk).name == "A former member"

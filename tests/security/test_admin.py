"""The Django admin is no back door (issue 15, breaks 2 and 3).

A provider administrator is trusted with people and roles, never with what a set or a person keeps: the admin
is reached only through the app's own sign-in (two-factor and throttling included), it changes no login, person
or role (those go through the services, which audit), deletes nothing, and prints no set or personal content.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from actionset.accounts.models import User
from actionset.accreditation.models import Award, Portfolio, Reflection
from actionset.core.models import AuditEvent
from actionset.learning.models import Decision, JournalEntry, SharedItem
from actionset.meetings.models import FacilitatorNote, PresenterTurn
from actionset.organisations.models import OrganisationRole, Person, Provider, StaffRole
from actionset.programmes.models import Enrolment
from actionset.room.models import Action, ActionReport, AirtimeNotes, AirtimeQuestion, ConsensusStatement, ProcessReview
from conftest import Cast
from tests.factories import TEST_PASSWORD

SECRET = "CANARY-set-content-7f3q"


def admin_change_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def admin_delete_url(obj: Any) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_delete", args=[obj.pk])


def reaches_the_admin(client: Client) -> bool:
    return client.get(reverse("admin:accounts_user_changelist")).status_code == 200


def admin_sign_in(client: Client, email: str, password: str) -> Any:
    """Sign in the way the admin asks: wherever /admin/login/ sends you, with the fields either form takes."""
    url = reverse("admin:login") + "?next=" + reverse("admin:index")
    response = client.get(url)
    if response.status_code == 302:
        url = response["Location"]
    return client.post(url, {"username": email, "login": email, "password": password})


def first_administrator(cast: Cast) -> User:
    """The provider administrator as deployment makes the first one: `createsuperuser`, so a Django staff user too."""
    administrator = cast.users["administrator"]
    administrator.is_staff = administrator.is_superuser = True
    administrator.save(update_fields=["is_staff", "is_superuser"])
    return administrator


def current_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def member_content(cast: Cast) -> dict[str, Any]:
    """Set and personal content of A's participant, each piece carrying the canary."""
    assert cast.learning_set is not None
    assert cast.meeting is not None
    enrolment = Enrolment.objects.get(person=cast.people["a_participant"])
    member = cast.users["a_participant"]
    action = Action.objects.create(
        learning_set=cast.learning_set, owner=enrolment, meeting=cast.meeting, text=f"{SECRET} action"
    )
    notes = AirtimeNotes.objects.create(meeting=cast.meeting, presenter=enrolment, issue=f"{SECRET} issue")
    item = SharedItem.objects.create(
        learning_set=cast.learning_set, kind="question", text=f"{SECRET} item", author=enrolment
    )
    return {
        "action": action,
        "report": ActionReport.objects.create(action=action, meeting=cast.meeting, status="done", learning=SECRET),
        "notes": notes,
        "question": AirtimeQuestion.objects.create(notes=notes, text=f"{SECRET} question", asked_by=enrolment),
        "statement": ConsensusStatement.objects.create(meeting=cast.meeting, author=enrolment, text=SECRET),
        "review": ProcessReview.objects.create(meeting=cast.meeting, enrolment=enrolment, rating=7, helped=SECRET),
        "journal": JournalEntry.objects.create(author=member, title=f"{SECRET} journal", about_problem=SECRET),
        "item": item,
        "decision": Decision.objects.create(item=item, enrolment=enrolment, user=member, verdict="object"),
        "turn": PresenterTurn.objects.create(
            meeting=cast.meeting, enrolment=enrolment, started_at=cast.meeting.starts_at
        ),
        "note": FacilitatorNote.objects.create(meeting=cast.meeting, author=cast.users["facilitator"], text=SECRET),
    }


# --- break 3: the admin's own sign-in ----------------------------------------------------------------------------


def test_the_admin_sign_in_sends_people_to_the_app_sign_in_and_back(cast: Cast) -> None:
    target = reverse("admin:organisations_person_changelist")
    response = cast.client("anonymous").get(reverse("admin:login") + f"?next={target}")
    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login")
    assert parse_qs(location.query) == {"next": [target]}


def test_the_admin_sign_in_refuses_an_unsafe_next_address(cast: Cast) -> None:
    response = cast.client("anonymous").get(reverse("admin:login") + "?next=https://evil.example/")
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_signed_in_administrator_is_sent_straight_on_from_the_admin_sign_in(cast: Cast) -> None:
    response = cast.client("administrator").get(reverse("admin:login"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_a_password_alone_never_opens_the_admin_for_someone_with_two_factor(cast: Cast) -> None:
    administrator = first_administrator(cast)
    secret = generate_totp_secret()
    TOTP.activate(administrator, secret)
    client = Client()
    admin_sign_in(client, administrator.email, TEST_PASSWORD)
    assert not reaches_the_admin(client)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")

    # The second factor, on the app's own page, then leads back to the admin.
    response = client.post(reverse("mfa_authenticate"), {"code": current_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")
    assert reaches_the_admin(client)


def test_wrong_passwords_for_the_admin_are_throttled(cast: Cast, settings: Any) -> None:
    cache.clear()
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}
    first_administrator(cast)
    client = Client()
    for _ in range(20):
        admin_sign_in(client, "administrator@provider.test", "not-the-password")
    # Twenty guesses later even the right password is turned away for a while.
    admin_sign_in(client, "administrator@provider.test", TEST_PASSWORD)
    assert not reaches_the_admin(client)
    cache.clear()


def test_signing_out_of_the_admin_signs_out_through_the_app(cast: Cast) -> None:
    client = cast.client("administrator")
    response = client.post(reverse("admin:logout"), follow=True)
    assert response.status_code == 200
    assert not reaches_the_admin(client)
    # The app's sign-out records it; Django's admin sign-out would not.
    assert AuditEvent.objects.filter(action="logout", actor=cast.users["administrator"]).exists()


def test_the_admin_asks_for_no_password_change_of_its_own(cast: Cast) -> None:
    response = cast.client("administrator").get(reverse("admin:password_change"))
    assert response.status_code == 302
    assert response["Location"] == reverse("account_change_password")


def test_the_admin_does_not_reveal_itself_to_anyone_but_provider_staff(cast: Cast) -> None:
    # Its unnamed addresses too, which the access matrix cannot reverse: the catch-all and old-style object addresses.
    old_style = admin_change_url(cast.people["a_admin"]).removesuffix("change/")
    for url in (reverse("admin:index"), reverse("admin:login"), "/admin/no-such-page/", old_style):
        assert cast.client("a_admin").get(url).status_code == 404, url
        assert cast.client("designer").get(url).status_code == 403, url
        response = cast.client("anonymous").get(url)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("account_login")


# --- break 2: the admin as a back door ---------------------------------------------------------------------------


def person_form(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "organisation": person.organisation_id,
        "name": person.name,
        "email": person.email,
        "department": person.department,
        "level": person.level,
        "site": person.site,
        "line_manager": "",
        "user": person.user_id or "",
        "roles-TOTAL_FORMS": "0",
        "roles-INITIAL_FORMS": "0",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def user_form(user: User, **changes: Any) -> dict[str, Any]:
    data = {
        "email": user.email,
        "name": user.name,
        "time_zone": user.time_zone,
        "is_active": "on",
        "staff_roles-TOTAL_FORMS": "0",
        "staff_roles-INITIAL_FORMS": "0",
        "staff_roles-MIN_NUM_FORMS": "0",
        "staff_roles-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_an_administrator_cannot_repoint_a_directory_entry_at_their_own_login(programme_world: Cast) -> None:
    cast = programme_world
    member = cast.people["a_participant"]
    administrator = cast.users["administrator"]
    response = cast.client("administrator").post(admin_change_url(member), person_form(member, user=administrator.pk))
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.user == cast.users["a_participant"]


def test_an_administrator_cannot_change_a_members_sign_in_email_in_the_admin(programme_world: Cast) -> None:
    cast = programme_world
    member = cast.users["a_participant"]
    response = cast.client("administrator").post(admin_change_url(member), user_form(member, email="mine@evil.test"))
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.email == "a_participant@org.test"


def test_roles_cannot_be_granted_through_the_admin(cast: Cast) -> None:
    client = cast.client("administrator")
    person = cast.people["a_participant"]
    new_role = {"roles-TOTAL_FORMS": "1", "roles-0-role": "admin", "roles-0-person": person.pk}
    assert client.post(admin_change_url(person), person_form(person, **new_role)).status_code == 403
    assert not OrganisationRole.objects.filter(person=person, role="admin").exists()

    user = cast.users["trainer"]
    new_staff_role = {
        "staff_roles-TOTAL_FORMS": "1",
        "staff_roles-0-role": "administrator",
        "staff_roles-0-user": user.pk,
    }
    assert client.post(admin_change_url(user), user_form(user, **new_staff_role)).status_code == 403
    assert not StaffRole.objects.filter(user=user, role="administrator").exists()


def test_nothing_can_be_added_or_deleted_in_the_admin(programme_world: Cast) -> None:
    cast = programme_world
    client = cast.client("administrator")
    for obj in (cast.org_a, cast.people["a_participant"], cast.users["a_participant"], Provider.current()):
        model = type(obj)
        assert client.get(reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")).status_code == 403
        assert client.get(admin_delete_url(obj)).status_code == 403
        assert client.post(admin_delete_url(obj), {"post": "yes"}).status_code == 403
        assert model.objects.filter(pk=obj.pk).exists()
    changelist = reverse("admin:organisations_organisation_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [cast.org_a.pk], "post": "yes"})
    assert type(cast.org_a).objects.filter(pk=cast.org_a.pk).exists()


def test_no_admin_page_prints_set_or_personal_content(programme_world: Cast) -> None:
    cast = programme_world
    member_content(cast)
    client = cast.client("administrator")
    for obj in (cast.org_a, cast.people["a_participant"], cast.users["a_participant"], cast.users["facilitator"]):
        for url in (admin_change_url(obj), admin_delete_url(obj)):
            response = client.get(url)
            assert SECRET not in response.content.decode(), url


def test_set_and_personal_records_are_labelled_without_their_content(programme_world: Cast) -> None:
    portfolio = Portfolio.objects.create(
        candidate=programme_world.users["facilitator"],
        award=Award.objects.create(slug="label-test", name="Label test award", summary="-", criteria="-"),
    )
    reflection = Reflection.objects.create(
        portfolio=portfolio, written_on=dt.date(2030, 1, 1), title=SECRET, text=SECRET, words=1
    )
    for name, obj in [*member_content(programme_world).items(), ("reflection", reflection)]:
        label = str(obj)
        assert SECRET not in label, name
        assert label.strip(), name
    review = ProcessReview.objects.get()
    assert "7" not in str(review).replace(str(review.pk), "")


def test_the_provider_details_are_edited_in_the_admin_and_audited(cast: Cast) -> None:
    provider = Provider.current()
    response = cast.client("administrator").post(
        admin_change_url(provider), {"name": "Northern Action Learning", "contact_email": "hello@nal.test"}
    )
    assert response.status_code == 302
    provider.refresh_from_db()
    assert provider.name == "Northern Action Learning"
    event = AuditEvent.objects.get(action="provider.updated")
    assert event.actor == cast.users["administrator"]
    assert event.detail == {"fields": ["contact_email", "name"]}


@pytest.mark.parametrize("role", ["designer", "a_admin"])
def test_only_administrators_may_edit_the_provider_details(cast: Cast, role: str) -> None:
    provider = Provider.current()
    response = cast.client(role).post(admin_change_url(provider), {"name": "Taken", "contact_email": ""})
    assert response.status_code in (403, 404)
    provider.refresh_from_db()
    assert provider.name != "Taken"

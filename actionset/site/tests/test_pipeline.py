"""The pipeline: stage rules, overdue next steps, and a won enquiry becoming a client and a draft programme."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from actionset.core.models import AuditEvent
from actionset.organisations.models import Organisation, Person
from actionset.programmes.models import Programme
from actionset.site import models as site
from actionset.site.services import ConversionRefused, StageRefused, enquiry_convert, enquiry_move
from actionset.site.tests.factories import EnquiryFactory
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def designer(db: Any) -> Any:
    return UserFactory.create(email="designer@provider.test", staff_roles=["designer"])


def test_stages_move_only_along_the_pipeline(designer: Any) -> None:
    enquiry = EnquiryFactory.create()
    with pytest.raises(StageRefused):
        enquiry_move(actor=designer, enquiry=enquiry, stage=site.Stage.WON)
    enquiry = enquiry_move(actor=designer, enquiry=enquiry, stage=site.Stage.PROPOSAL)
    enquiry = enquiry_move(actor=designer, enquiry=enquiry, stage=site.Stage.WON)
    for stage in site.Stage.values:
        with pytest.raises(StageRefused):
            enquiry_move(actor=designer, enquiry=enquiry, stage=stage)
    event = AuditEvent.objects.filter(action="enquiry.stage_changed").first()
    assert event is not None
    assert event.detail == {"before": "proposal", "after": "won"}


def test_a_lost_enquiry_can_be_reopened(designer: Any) -> None:
    enquiry = EnquiryFactory.create(stage=site.Stage.LOST)
    assert enquiry_move(actor=designer, enquiry=enquiry, stage=site.Stage.NEW).stage == site.Stage.NEW


def test_the_board_marks_overdue_next_steps_and_leaves_out_held_enquiries(client: Client, designer: Any) -> None:
    today = timezone.localdate()
    EnquiryFactory.create(organisation_name="Late Ltd", next_step="Ring", next_step_on=today - dt.timedelta(days=2))
    EnquiryFactory.create(organisation_name="Fine Ltd", next_step="Ring", next_step_on=today + dt.timedelta(days=2))
    EnquiryFactory.create(
        organisation_name="Closed Ltd", stage=site.Stage.LOST, next_step_on=today - dt.timedelta(days=9)
    )
    EnquiryFactory.create(organisation_name="Spammy Ltd", held_at=timezone.now(), held_reason="Over the limit")
    client.force_login(designer)
    response = client.get(reverse("site:pipeline"))
    assert response.context["overdue"] == 1
    html = response.content.decode()
    assert html.count("deal overdue") == 1
    board = [e.organisation_name for c in response.context["columns"] for e in c["enquiries"]]
    assert "Spammy Ltd" not in board
    assert "Spammy Ltd" in html  # listed apart, under "Held for review"


def test_notes_are_timestamped_and_kept_in_order(client: Client, designer: Any) -> None:
    enquiry = EnquiryFactory.create()
    client.force_login(designer)
    client.post(reverse("site:enquiry_note", args=[enquiry.public_id]), {"text": "First call: left a message."})
    client.post(reverse("site:enquiry_note", args=[enquiry.public_id]), {"text": "Spoke to Rachel."})
    notes = list(enquiry.notes.all())
    assert [n.text for n in notes] == ["Spoke to Rachel.", "First call: left a message."]
    assert all(n.author == designer and n.created_at for n in notes)


def test_owner_and_next_step_are_saved(client: Client, designer: Any) -> None:
    enquiry = EnquiryFactory.create()
    client.force_login(designer)
    response = client.post(
        reverse("site:enquiry_update", args=[enquiry.public_id]),
        {"owner": designer.pk, "next_step": "Send proposal", "next_step_on": "2030-01-15"},
    )
    assert response.status_code == 302
    enquiry.refresh_from_db()
    assert (enquiry.owner, enquiry.next_step, enquiry.next_step_on) == (designer, "Send proposal", dt.date(2030, 1, 15))


def test_only_administrators_and_designers_can_own_an_enquiry(client: Client, designer: Any) -> None:
    facilitator = UserFactory.create(staff_roles=["facilitator"])
    enquiry = EnquiryFactory.create()
    client.force_login(designer)
    response = client.post(reverse("site:enquiry_update", args=[enquiry.public_id]), {"owner": facilitator.pk})
    assert response.status_code == 200
    enquiry.refresh_from_db()
    assert enquiry.owner is None


def test_a_won_enquiry_becomes_a_client_with_its_contact_and_a_draft_programme(designer: Any) -> None:
    enquiry = EnquiryFactory.create(
        stage=site.Stage.WON,
        organisation_name="Fenland Water",
        contact_name="Claire Dobson",
        email="claire@fenland.example",
        challenge="Two merged operations teams must run one network.",
    )
    programme = enquiry_convert(
        actor=designer,
        enquiry=enquiry,
        organisation=None,
        title="Fenland: one network",
        blueprint="six-monthly-half-days",
    )
    organisation = Organisation.objects.get(name="Fenland Water")
    assert programme.organisation == organisation
    assert programme.status == Programme.Status.DRAFT
    assert programme.designer == designer
    assert programme.brief_context == "Two merged operations teams must run one network."
    assert programme.events.count() == 2  # the blueprint's launch and close, from programme_create
    assert Person.objects.get(organisation=organisation).email == "claire@fenland.example"
    enquiry.refresh_from_db()
    assert (enquiry.organisation, enquiry.programme) == (organisation, programme)
    assert AuditEvent.objects.filter(action="enquiry.converted", target_id=str(enquiry.public_id)).exists()


def test_conversion_can_use_an_existing_client(designer: Any) -> None:
    existing = OrganisationFactory.create(name="Northwind Health")
    enquiry = EnquiryFactory.create(stage=site.Stage.WON, organisation_name="Northwind (Estates)")
    programme = enquiry_convert(
        actor=designer, enquiry=enquiry, organisation=existing, title="Estates", blueprint="six-monthly-half-days"
    )
    assert programme.organisation == existing
    assert not Organisation.objects.filter(name="Northwind (Estates)").exists()


def test_conversion_is_refused_unless_won_and_happens_once(designer: Any) -> None:
    enquiry = EnquiryFactory.create(stage=site.Stage.PROPOSAL)
    with pytest.raises(ConversionRefused):
        enquiry_convert(
            actor=designer, enquiry=enquiry, organisation=None, title="T", blueprint="six-monthly-half-days"
        )
    enquiry.stage = site.Stage.WON
    enquiry.save()
    enquiry_convert(actor=designer, enquiry=enquiry, organisation=None, title="T", blueprint="six-monthly-half-days")
    with pytest.raises(ConversionRefused):
        enquiry_convert(
            actor=designer, enquiry=enquiry, organisation=None, title="T", blueprint="six-monthly-half-days"
        )
    assert Programme.objects.count() == 1


def test_a_new_client_may_not_silently_take_an_existing_organisations_name(designer: Any) -> None:
    OrganisationFactory.create(name="Fenland Water")
    enquiry = EnquiryFactory.create(stage=site.Stage.WON, organisation_name="fenland water")
    with pytest.raises(ConversionRefused, match="exists already"):
        enquiry_convert(
            actor=designer, enquiry=enquiry, organisation=None, title="T", blueprint="six-monthly-half-days"
        )
    assert Programme.objects.count() == 0


def test_the_convert_page_takes_the_designer_to_the_new_programme(client: Client, designer: Any) -> None:
    enquiry = EnquiryFactory.create(stage=site.Stage.WON, organisation_name="Fenland Water")
    client.force_login(designer)
    url = reverse("site:enquiry_convert", args=[enquiry.public_id])
    assert "Fenland Water: action learning programme" in client.get(url).content.decode()
    response = client.post(url, {"organisation": "", "title": "One network", "blueprint": "six-monthly-half-days"})
    programme = Programme.objects.get()
    assert response["Location"] == reverse("programmes:detail", kwargs={"programme": programme.public_id})
    # Once converted, the page leads to the programme instead of making another.
    assert client.get(url)["Location"] == response["Location"]


def test_the_board_costs_the_same_queries_however_many_enquiries(
    client: Client, designer: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(designer)
    for stage in site.Stage.values:
        EnquiryFactory.create(stage=stage, owner=designer, next_step="Ring", next_step_on=timezone.localdate())
    client.get(reverse("site:pipeline"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("site:pipeline"))
    for stage in site.Stage.values:
        for _ in range(4):
            EnquiryFactory.create(stage=stage, owner=designer, next_step="Ring", next_step_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("site:pipeline"))


def test_administrators_and_designers_get_the_pipeline_in_their_menu_and_on_their_home_page(
    client: Client, designer: Any
) -> None:
    EnquiryFactory.create(next_step_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(designer)
    home = client.get("/").content.decode()
    assert 'href="/enquiries/"' in home
    assert "next step overdue" in home
    facilitator = UserFactory.create(staff_roles=["facilitator"])
    client.force_login(facilitator)
    assert 'href="/enquiries/"' not in client.get("/").content.decode()

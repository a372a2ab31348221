"""An enquirer goes from the home page through the enquiry form to booking a discovery call with the emailed link;
a designer takes the new enquiry through the pipeline to a draft programme. Desktop and phone screenshots."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import icalendar
from django.core import mail
from playwright.sync_api import expect

from actionset.organisations.models import Provider
from actionset.programmes.models import Programme
from actionset.site import demo
from actionset.site import models as site
from tests.browser.conftest import PHONE, screenshot, serious_accessibility_violations, sign_in
from tests.factories import TEST_PASSWORD, UserFactory


def build_site() -> None:
    """The demo site's pages, testimonials, enquiries and call slots, hosted by our designer."""
    Provider.objects.update_or_create(
        pk=1, defaults={"name": "Kestrel Action Learning", "contact_email": "hello@provider.example"}
    )
    UserFactory.create(email="admin@provider.example", name="Alex Administrator", staff_roles=["administrator"])
    UserFactory.create(email="designer@provider.example", name="Dana Designer", staff_roles=["designer"])
    demo.seed()


def look(page: Any, name: str) -> None:
    screenshot(page, name)
    assert serious_accessibility_violations(page) == [], name


def test_an_enquirer_books_a_discovery_call_and_a_designer_turns_the_enquiry_into_a_draft_programme(
    transactional_db: Any, new_page: Any, live_server: Any, settings: Any
) -> None:
    settings.SITE_URL = live_server.url
    # The form still carries and checks its signed stamp; how quick is too quick is unit-tested, so the browser
    # need not wait it out.
    settings.PUBLIC_FORM_MIN_SECONDS = 0
    build_site()

    visitor = new_page(locale="en-GB")
    visitor.goto("/")
    expect(visitor.get_by_role("heading", name="Real problems, worked on together")).to_be_visible()
    # The testimonial without recorded consent is never shown.
    assert visitor.get_by_text("best six months of development").count() == 0
    assert visitor.locator("script").count() == 0
    look(visitor, "site-home")
    visitor.get_by_role("link", name="What is action learning?").first.click()
    expect(visitor.get_by_role("heading", name="Questions, not advice")).to_be_visible()
    look(visitor, "site-page")

    visitor.goto("/")
    visitor.get_by_role("link", name="Talk to us about a programme").click()
    visitor.wait_for_url("**/get-in-touch/")
    visitor.get_by_label("Your name").fill("Rachel Moore")
    visitor.get_by_label("Your role").fill("Head of Organisational Development")
    visitor.get_by_label("Organisation", exact=True).fill("Westmarch Borough Council")
    visitor.get_by_label("Email").fill("rachel.moore@westmarch.example")
    visitor.get_by_label("The challenge, in your words").fill(
        "Our heads of service work in silos and escalate problems instead of solving them together. "
        "We tried a leadership course last year; it was liked and changed little."
    )
    visitor.get_by_label("250 to 1,000 people").check()
    visitor.get_by_label("In the next three months").check()
    visitor.get_by_label(re.compile("I have read the privacy notice")).check()
    look(visitor, "site-enquire")
    visitor.get_by_role("button", name="Send my enquiry").click()
    visitor.wait_for_url("**/get-in-touch/thanks/")
    expect(visitor.get_by_role("heading", name="Thank you: we have your enquiry")).to_be_visible()
    look(visitor, "site-enquire-thanks")

    enquiry = site.Enquiry.objects.get(organisation_name="Westmarch Borough Council")
    assert enquiry.stage == site.Stage.NEW
    confirmation = next(m for m in mail.outbox if m.to == ["rachel.moore@westmarch.example"])
    staff_notice = next(m for m in mail.outbox if m.to == ["hello@provider.example"])
    assert "Westmarch Borough Council" in staff_notice.subject
    match = re.search(r"http\S+/discovery-call/\S+/", str(confirmation.body))
    assert match
    booking_path = urlsplit(match.group(0)).path

    phone = new_page(PHONE, locale="en-GB")
    phone.goto("/")
    look(phone, "site-home-phone")
    phone.goto("/get-in-touch/")
    look(phone, "site-enquire-phone")
    phone.goto(booking_path)
    expect(phone.get_by_role("heading", name="Book your discovery call")).to_be_visible()
    look(phone, "site-book-phone")

    mail.outbox.clear()
    visitor.goto(booking_path)
    look(visitor, "site-book")
    first_slot = site.CallSlot.objects.open().first()
    assert first_slot is not None
    visitor.locator(f'input[value="{first_slot.public_id}"]').check()
    visitor.get_by_role("button", name="Book this time").click()
    expect(visitor.get_by_role("heading", name="Your discovery call is booked")).to_be_visible()
    look(visitor, "site-booked")
    enquiry.refresh_from_db()
    assert enquiry.stage == site.Stage.CALL_BOOKED
    assert sorted(m.to[0] for m in mail.outbox) == ["designer@provider.example", "rachel.moore@westmarch.example"]
    for message in mail.outbox:
        calendar = icalendar.Calendar.from_ical(message.attachments[0][1])
        assert calendar.walk("VEVENT")[0]["UID"] == first_slot.calendar_uid
    # The link has done its job: it shows the booking and books nothing else.
    visitor.goto(booking_path)
    assert visitor.get_by_role("button", name="Book this time").count() == 0

    designer = new_page(locale="en-GB")
    sign_in(designer, "designer@provider.example", TEST_PASSWORD)
    designer.get_by_role("link", name="Enquiries").first.click()
    designer.wait_for_url("**/enquiries/")
    assert designer.locator(".deal.overdue").count() >= 1
    look(designer, "site-pipeline")
    designer.get_by_role("link", name="Westmarch Borough Council").click()
    expect(designer.get_by_text("escalate problems instead of solving them together")).to_be_visible()
    designer.get_by_label("Add a note").fill(
        "Discovery call: 40 heads of service across 6 directorates; wants sets by spring."
    )
    designer.get_by_role("button", name="Add note").click()
    expect(designer.get_by_text("Note added.")).to_be_visible()
    designer.locator("#id_next_step").fill("Send proposal for six sets")
    designer.get_by_role("button", name="Save").click()
    designer.get_by_role("button", name="Move to proposal").click()
    expect(designer.get_by_text("Moved to “Proposal”.")).to_be_visible()
    look(designer, "site-enquiry")
    designer.get_by_role("button", name="Move to won").click()
    designer.get_by_role("link", name="Create the programme").click()
    designer.get_by_label("Programme title").fill("Westmarch: leading across services")
    designer.get_by_label(re.compile("Six monthly half-days")).check()
    look(designer, "site-convert")
    designer.get_by_role("button", name="Create the client and the draft programme").click()
    programme = Programme.objects.get(title="Westmarch: leading across services")
    designer.wait_for_url(f"**/programmes/{programme.public_id}/**")
    expect(designer.get_by_text("is a client now, with a draft programme to design")).to_be_visible()
    assert programme.status == Programme.Status.DRAFT
    assert programme.organisation.name == "Westmarch Borough Council"
    assert "escalate problems" in programme.brief_context
    screenshot(designer, "site-programme-created")

    phone_staff = new_page(PHONE, locale="en-GB")
    sign_in(phone_staff, "designer@provider.example", TEST_PASSWORD)
    phone_staff.goto("/enquiries/")
    look(phone_staff, "site-pipeline-phone")
    phone_staff.goto(f"/enquiries/{enquiry.public_id}/")
    look(phone_staff, "site-enquiry-phone")


def test_an_editor_changes_a_page_and_previews_a_draft(transactional_db: Any, new_page: Any, live_server: Any) -> None:
    build_site()
    editor = new_page(locale="en-GB")
    sign_in(editor, "admin@provider.example", TEST_PASSWORD)
    editor.goto("/site-pages/")
    look(editor, "site-pages")
    editor.get_by_role("link", name="About us").click()
    editor.get_by_label("Body").fill("## Who we are\n\nA small team of facilitators.<script>alert(1)</script>")
    editor.get_by_role("button", name="Save").click()
    editor.get_by_role("link", name="Preview").click()
    expect(editor.get_by_text("Preview of a draft")).to_be_visible()
    expect(editor.get_by_role("heading", name="Who we are")).to_be_visible()
    assert editor.locator("main script").count() == 0
    look(editor, "site-preview")
    visitor = new_page(locale="en-GB")
    assert visitor.goto("/about-us/").status == 404
    visitor.goto("/case-studies/")
    look(visitor, "site-case-studies")
    visitor.get_by_role("link", name=re.compile("housing association's repairs")).click()
    look(visitor, "site-case-study")

    editor.goto("/site-pages/")
    editor.get_by_role("link", name="Testimonials").click()
    expect(editor.get_by_text("No consent recorded.")).to_be_visible()
    look(editor, "site-testimonials-manage")
    editor.get_by_role("link", name="Edit Mark Fielding").click()
    editor.get_by_label("Consent given by").fill("Mark Fielding")
    editor.get_by_label("Consent given on").fill("2026-01-12")
    editor.get_by_label("How consent was given").select_option("email")
    editor.get_by_role("button", name="Save").click()
    visitor.goto("/testimonials/")
    expect(visitor.get_by_text("best six months of development")).to_be_visible()
    look(visitor, "site-testimonials")
    editor.get_by_role("button", name="Consent withdrawn: take it down (Mark Fielding)").click()
    visitor.reload()
    assert visitor.get_by_text("best six months of development").count() == 0

    editor.goto("/enquiries/slots/")
    look(editor, "site-slots")

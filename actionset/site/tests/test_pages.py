"""Public pages: sanitised Markdown, drafts kept from the public, slugs clear of the app, consent-gated testimonials."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from actionset.core.models import AuditEvent
from actionset.site import models as site
from actionset.site.content import render_markdown, slug_is_reserved
from actionset.site.forms import PageForm
from actionset.site.services import page_save, quote_consent_withdraw
from actionset.site.tests.factories import PageFactory, TestimonialFactory
from tests.factories import UserFactory


@pytest.fixture
def editor(db: Any) -> Any:
    return UserFactory.create(staff_roles=["administrator"])


@pytest.mark.parametrize(
    "markdown",
    [
        "Hello <script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "[click](javascript:alert(1))",
        '<a href="#" onclick="steal()">x</a>',
        "<iframe src='https://evil.example'></iframe>",
        "<style>body{display:none}</style>",
    ],
)
def test_markdown_is_sanitised(markdown: str) -> None:
    html = render_markdown(markdown)
    for bad in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<style", "<img"):
        assert bad not in html.lower()


def test_markdown_keeps_what_writers_need() -> None:
    html = render_markdown(
        "## Heading\n\n- one\n- **two**\n\n[link](https://example.org)\n\n| a | b |\n|---|---|\n| 1 | 2 |"
    )
    for good in ("<h2>", "<li>", "<strong>two</strong>", 'href="https://example.org"', "<table>"):
        assert good in html


def test_a_saved_page_shows_its_sanitised_body_title_and_description(client: Client, editor: Any) -> None:
    page = page_save(
        actor=editor,
        publish=True,
        data={
            "kind": "page",
            "slug": "our-approach",
            "title": "Our approach",
            "description": "How we work.",
            "body": "We ask questions.<script>alert(1)</script>",
            "in_navigation": True,
            "position": 5,
        },
    )
    html = client.get("/our-approach/").content.decode()
    assert "<title>Our approach · " in html
    assert '<meta name="description" content="How we work.">' in html
    assert "We ask questions." in html
    assert "alert(1)" not in page.body_html
    assert "<script" not in html
    # In the site's menu, because the editor said so.
    assert 'href="/our-approach/"' in client.get("/case-studies/").content.decode()


def test_a_draft_is_not_public_but_staff_can_preview_it(client: Client, editor: Any) -> None:
    page = PageFactory.create(slug="coming-soon", published_at=None, title="Coming soon")
    assert client.get("/coming-soon/").status_code == 404
    client.force_login(editor)
    assert client.get("/coming-soon/").status_code == 404
    preview = client.get(reverse("site:page_preview", args=[page.public_id]))
    assert preview.status_code == 200
    assert "Preview of a draft" in preview.content.decode()


def test_unpublishing_takes_a_page_off_the_site(client: Client, editor: Any) -> None:
    page = PageFactory.create(slug="old-news")
    assert client.get("/old-news/").status_code == 200
    page_save(actor=editor, page=page, publish=False, data={"title": page.title})
    assert client.get("/old-news/").status_code == 404


@pytest.mark.parametrize(
    "slug",
    ["programmes", "organisations", "accounts", "admin", "coach", "training", "enquiries", "calendar", "provider"],
)
def test_a_page_may_not_take_an_application_address(db: Any, slug: str) -> None:
    assert slug_is_reserved(slug)
    form = PageForm(data={"title": "T", "slug": slug, "kind": "page", "description": "D", "position": 1})
    assert not form.is_valid()
    assert "application itself uses" in form.errors["slug"][0]


def test_an_ordinary_slug_is_allowed(db: Any) -> None:
    form = PageForm(data={"title": "T", "slug": "our-approach", "kind": "page", "description": "D", "position": 1})
    assert form.is_valid(), form.errors


def test_the_editor_form_refuses_a_reserved_slug_and_keeps_the_text(client: Client, editor: Any) -> None:
    client.force_login(editor)
    data = {
        "title": "Programmes",
        "slug": "programmes",
        "kind": "page",
        "description": "D",
        "body": "My words",
        "position": 1,
        "published": "on",
    }
    response = client.post(reverse("site:page_new"), data)
    assert response.status_code == 200
    assert "My words" in response.content.decode()
    assert not site.Page.objects.exists()


def test_testimonials_are_shown_only_with_consent(client: Client, editor: Any) -> None:
    TestimonialFactory.create(quote="Consented words", person_name="Helen")
    TestimonialFactory.create(quote="Unconsented words", person_name="Mark", consent_given_at=None)
    html = client.get("/testimonials/").content.decode()
    assert "Consented words" in html
    assert "Unconsented words" not in html
    assert "Unconsented words" not in client.get("/").content.decode()


def test_withdrawn_consent_takes_a_testimonial_down_at_once(client: Client, editor: Any) -> None:
    testimonial = TestimonialFactory.create(quote="Words to withdraw")
    client.force_login(editor)
    assert "Words to withdraw" in client.get("/testimonials/").content.decode()
    client.post(reverse("site:testimonial_withdraw", args=[testimonial.public_id]))
    testimonial.refresh_from_db()
    assert testimonial.consent_withdrawn_at is not None
    assert "Words to withdraw" not in client.get("/testimonials/").content.decode()


def test_recording_consent_says_who_when_and_how(client: Client, editor: Any) -> None:
    client.force_login(editor)
    data = {"quote": "It changed how I lead.", "person_name": "Sunita Rao", "position": 1}
    client.post(reverse("site:testimonial_new"), data)
    testimonial = site.Testimonial.objects.get()
    assert not testimonial.may_be_shown
    incomplete = {**data, "consent_given_by": "Sunita Rao"}
    response = client.post(reverse("site:testimonial_edit", args=[testimonial.public_id]), incomplete)
    assert "say who gave it, on what date, and how" in response.content.decode()
    complete = {**incomplete, "consent_given_on": "2026-01-10", "consent_method": "email", "consent_note": "Inbox"}
    client.post(reverse("site:testimonial_edit", args=[testimonial.public_id]), complete)
    testimonial.refresh_from_db()
    assert testimonial.may_be_shown
    assert (testimonial.consent_given_by, testimonial.consent_method) == ("Sunita Rao", "email")
    assert testimonial.consent_recorded_by == editor
    quote_consent_withdraw(actor=editor, testimonial=testimonial)
    assert not site.Testimonial.objects.consented().exists()


def test_robots_keeps_crawlers_out_of_the_application(client: Client, db: Any) -> None:
    text = client.get("/robots.txt").content.decode()
    for prefix in ("/programmes/", "/organisations/", "/accounts/", "/admin/", "/enquiries/", "/discovery-call/"):
        assert f"Disallow: {prefix}" in text
    assert "Disallow: /case-studies/" not in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_the_sitemap_lists_published_pages_only(client: Client, db: Any) -> None:
    PageFactory.create(slug="published-one", kind="case_study")
    PageFactory.create(slug="draft-one", published_at=None)
    xml = client.get("/sitemap.xml").content.decode()
    assert "/case-studies/published-one/" in xml
    assert "draft-one" not in xml
    assert "/get-in-touch/" in xml


def test_public_pages_have_no_javascript(client: Client, db: Any) -> None:
    PageFactory.create(slug="plain")
    for url in ("/", "/plain/", "/case-studies/", "/resources/", "/testimonials/", "/get-in-touch/"):
        assert "<script" not in client.get(url).content.decode(), url


def test_the_home_page_is_the_public_home_for_visitors_and_the_app_for_people_signed_in(
    client: Client, editor: Any
) -> None:
    PageFactory.create(kind="home", slug="home", title="Real problems, worked on together")
    assert "Real problems, worked on together" in client.get("/").content.decode()
    client.force_login(editor)
    assert "Real problems, worked on together" not in client.get("/").content.decode()


def test_the_editor_warns_of_a_page_whose_address_an_app_has_since_taken(client: Client, editor: Any) -> None:
    PageFactory.create(slug="programmes", title="Our programmes")
    PageFactory.create(slug="our-approach", title="Our approach")
    client.force_login(editor)
    html = client.get(reverse("site:pages")).content.decode()
    assert html.count("Address now used by the application") == 1


def test_changing_the_words_takes_a_testimonial_down_until_consent_to_the_new_words(
    client: Client, editor: Any
) -> None:
    testimonial = TestimonialFactory.create(quote="The questions were harder than any advice.", person_name="Helen")
    client.force_login(editor)
    url = reverse("site:testimonial_edit", args=[testimonial.public_id])
    client.post(url, {"quote": "The questions were harder than any advice.", "person_name": "Helen A", "position": 1})
    testimonial.refresh_from_db()
    assert testimonial.may_be_shown  # the name's spelling is not the words consented to
    client.post(url, {"quote": "The questions were the hardest part.", "person_name": "Helen A", "position": 1})
    testimonial.refresh_from_db()
    assert not testimonial.may_be_shown
    assert "hardest part" not in client.get("/testimonials/").content.decode()
    assert AuditEvent.objects.filter(action="testimonial.consent_lapsed").exists()

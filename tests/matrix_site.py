"""Access matrix cases for the public site (anyone) and the enquiry pipeline and site editor (administrators and
designers only; other staff are refused, client organisations' people are not told these pages exist)."""

from __future__ import annotations

from typing import Any

from actionset.site import models as site
from actionset.site.services import booking_token_issue
from actionset.site.tests.factories import (
    CallSlotFactory,
    EnquiryFactory,
    PageFactory,
    TestimonialFactory,
    held_enquiry,
)
from conftest import Cast
from tests.matrix import DONE, MAINTAINERS, OK, Case, expect, staff_only

PIPELINE = staff_only(OK, *MAINTAINERS)
PIPELINE_DONE = staff_only(DONE, *MAINTAINERS)


def none(cast: Cast) -> dict[str, Any]:
    return {}


def enquiry(cast: Cast) -> dict[str, Any]:
    return {"enquiry": EnquiryFactory.create().public_id}


def won_enquiry(cast: Cast) -> dict[str, Any]:
    return {"enquiry": EnquiryFactory.create(stage=site.Stage.WON).public_id}


def held(cast: Cast) -> dict[str, Any]:
    return {"enquiry": held_enquiry().public_id}


def slot(cast: Cast) -> dict[str, Any]:
    return {"slot": CallSlotFactory.create().public_id}


def draft_page(cast: Cast) -> dict[str, Any]:
    return {"page": PageFactory.create(published_at=None).public_id}


def a_testimonial(cast: Cast) -> dict[str, Any]:
    return {"testimonial": TestimonialFactory.create().public_id}


def published(kind: str) -> Any:
    def kwargs(cast: Cast) -> dict[str, Any]:
        return {"slug": PageFactory.create(kind=kind).slug}

    return kwargs


def booking_token(cast: Cast) -> dict[str, Any]:
    return {"token": booking_token_issue(enquiry=EnquiryFactory.create())}


CASES: dict[str, Case] = {
    # The public site: everyone, signed in or not.
    "site:page": Case("get", published(site.Page.Kind.PAGE), expect(OK)),
    "site:case_studies": Case("get", none, expect(OK)),
    "site:case_study": Case("get", published(site.Page.Kind.CASE_STUDY), expect(OK)),
    "site:resources": Case("get", none, expect(OK)),
    "site:resource": Case("get", published(site.Page.Kind.RESOURCE), expect(OK)),
    "site:testimonials": Case("get", none, expect(OK)),
    "site:sitemap": Case("get", none, expect(OK)),
    "site:robots": Case("get", none, expect(OK)),
    "site:enquire": Case("get", none, expect(OK)),
    "site:enquire_thanks": Case("get", none, expect(OK)),
    # The emailed link is its own key: the enquirer has no account.
    "site:book": Case("get", booking_token, expect(OK)),
    # The pipeline.
    "site:pipeline": Case("get", none, PIPELINE),
    "site:slots": Case("get", none, PIPELINE),
    "site:slot_withdraw": Case("post", slot, PIPELINE_DONE),
    "site:enquiry": Case("get", enquiry, PIPELINE),
    "site:enquiry_update": Case("post", enquiry, PIPELINE_DONE, data=lambda c: {"next_step": "Call them"}),
    "site:enquiry_note": Case("post", enquiry, PIPELINE_DONE, data=lambda c: {"text": "Rang, left a message."}),
    "site:enquiry_stage": Case("post", enquiry, PIPELINE_DONE, data=lambda c: {"stage": "proposal"}),
    "site:enquiry_booking_link": Case("post", enquiry, PIPELINE_DONE),
    "site:enquiry_release": Case("post", held, PIPELINE_DONE),
    "site:enquiry_discard": Case("post", held, PIPELINE_DONE),
    "site:enquiry_convert": Case("get", won_enquiry, PIPELINE),
    # Editing the site.
    "site:pages": Case("get", none, PIPELINE),
    "site:page_new": Case("get", none, PIPELINE),
    "site:page_edit": Case("get", draft_page, PIPELINE),
    "site:page_preview": Case("get", draft_page, PIPELINE),
    "site:testimonials_manage": Case("get", none, PIPELINE),
    "site:testimonial_new": Case("get", none, PIPELINE),
    "site:testimonial_edit": Case("get", a_testimonial, PIPELINE),
    "site:testimonial_withdraw": Case("post", a_testimonial, PIPELINE_DONE),
}

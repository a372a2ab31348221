"""Factories for the public site's tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone

from actionset.site import models as site
from actionset.site.content import render_markdown
from tests.factories import UserFactory


class PageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = site.Page

    kind = site.Page.Kind.PAGE
    slug = factory.Sequence(lambda n: f"page-{n}")
    title = factory.Sequence(lambda n: f"Page {n}")
    description = "What the page is about."
    body = "Some **text**."
    body_html = factory.LazyAttribute(lambda o: render_markdown(o.body))
    published_at = factory.LazyFunction(timezone.now)


class TestimonialFactory(factory.django.DjangoModelFactory):
    __test__ = False  # not a pytest class, whatever its name says

    class Meta:
        model = site.Testimonial

    quote = "The questions were harder than any advice I have been given."
    person_name = factory.Sequence(lambda n: f"Person {n}")
    consent_given_by = factory.LazyAttribute(lambda o: o.person_name)
    consent_given_at = factory.LazyFunction(timezone.now)
    consent_method = site.Testimonial.ConsentMethod.EMAIL


class EnquiryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = site.Enquiry

    organisation_name = factory.Sequence(lambda n: f"Enquiring Org {n}")
    contact_name = "Rachel Moore"
    email = factory.Sequence(lambda n: f"enquirer{n}@example.org")
    role = "Head of OD"
    challenge = "Our managers work in silos."
    organisation_size = site.Enquiry.Size.MEDIUM
    timing = site.Enquiry.Timing.QUARTER
    privacy_consent_at = factory.LazyFunction(timezone.now)


class CallSlotFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = site.CallSlot

    host = factory.SubFactory(UserFactory, staff_roles=["designer"])
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    )


def held_enquiry(**kwargs: Any) -> site.Enquiry:
    return EnquiryFactory.create(held_at=timezone.now(), held_reason="Over the limit", **kwargs)

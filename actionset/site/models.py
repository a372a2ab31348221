"""The provider's public pages, testimonials, enquiries, discovery-call slots and the pipeline."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone

from actionset.core.models import BaseModel


class PageQuerySet(models.QuerySet["Page"]):
    def published(self) -> PageQuerySet:
        return self.filter(published_at__isnull=False)


class Page(BaseModel):
    """A public page written by staff in Markdown. Drafts are seen only through the staff preview."""

    class Kind(models.TextChoices):
        HOME = "home", "Home page"
        PAGE = "page", "Page"
        CASE_STUDY = "case_study", "Case study"
        RESOURCE = "resource", "Publication or resource"

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PAGE)
    slug = models.SlugField(max_length=80, unique=True, help_text="The last part of the page's address.")
    title = models.CharField(max_length=120)
    description = models.CharField(
        "Summary", max_length=300, help_text="One or two sentences: shown in lists and to search engines."
    )
    body = models.TextField(blank=True, help_text="Markdown: headings with #, lists with -, links as [text](address).")
    #: Rendered and sanitised when saved, so a page view does no Markdown work.
    body_html = models.TextField(blank=True, editable=False)
    in_navigation = models.BooleanField("Show in the site's main menu", default=False)
    position = models.PositiveSmallIntegerField(default=100, help_text="Lower comes first in menus and lists.")
    published_at = models.DateTimeField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["position", "title"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        if self.kind == self.Kind.HOME:
            return "/"
        if self.kind == self.Kind.CASE_STUDY:
            return reverse("site:case_study", kwargs={"slug": self.slug})
        if self.kind == self.Kind.RESOURCE:
            return reverse("site:resource", kwargs={"slug": self.slug})
        return reverse("site:page", kwargs={"slug": self.slug})


class TestimonialQuerySet(models.QuerySet["Testimonial"]):
    def consented(self) -> TestimonialQuerySet:
        """Only these may ever be shown in public: consent recorded and not withdrawn."""
        return self.filter(consent_given_at__isnull=False, consent_withdrawn_at__isnull=True)


class Testimonial(BaseModel):
    """A client's words about working with the provider, shown only while their recorded consent stands."""

    class ConsentMethod(models.TextChoices):
        EMAIL = "email", "In writing, by email"
        FORM = "form", "Signed consent form"
        CALL = "call", "Spoken, on a call noted at the time"

    quote = models.TextField()
    person_name = models.CharField(max_length=150)
    person_role = models.CharField(max_length=150, blank=True)
    organisation_name = models.CharField(max_length=150, blank=True)
    position = models.PositiveSmallIntegerField(default=100)
    consent_given_by = models.CharField(
        max_length=150, blank=True, help_text="Who gave consent: usually the person quoted."
    )
    consent_given_at = models.DateTimeField(null=True, blank=True)
    consent_method = models.CharField(max_length=20, choices=ConsentMethod.choices, blank=True)
    consent_note = models.CharField(max_length=300, blank=True, help_text="Where the record is kept, for example.")
    consent_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    consent_withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = TestimonialQuerySet.as_manager()

    class Meta:
        ordering = ["position", "-created_at"]

    def __str__(self) -> str:
        return f"{self.person_name}, {self.organisation_name}" if self.organisation_name else self.person_name

    @property
    def may_be_shown(self) -> bool:
        return self.consent_given_at is not None and self.consent_withdrawn_at is None


class Stage(models.TextChoices):
    NEW = "new", "New"
    CALL_BOOKED = "call_booked", "Discovery call booked"
    PROPOSAL = "proposal", "Proposal"
    WON = "won", "Won"
    LOST = "lost", "Lost"


#: Where an enquiry may go from each stage. Won is final: it becomes a client and a programme.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Stage.NEW: (Stage.CALL_BOOKED, Stage.PROPOSAL, Stage.LOST),
    Stage.CALL_BOOKED: (Stage.NEW, Stage.PROPOSAL, Stage.LOST),
    Stage.PROPOSAL: (Stage.WON, Stage.LOST),
    Stage.WON: (),
    Stage.LOST: (Stage.NEW,),
}

OPEN_STAGES = (Stage.NEW, Stage.CALL_BOOKED, Stage.PROPOSAL)


class EnquiryQuerySet(models.QuerySet["Enquiry"]):
    def in_pipeline(self) -> EnquiryQuerySet:
        return self.filter(held_at__isnull=True)

    def held(self) -> EnquiryQuerySet:
        return self.filter(held_at__isnull=False)


class Enquiry(BaseModel):
    """An organisation getting in touch, and where the conversation with it has got to."""

    class Size(models.TextChoices):
        SMALL = "under-50", "Fewer than 50 people"
        MEDIUM = "50-250", "50 to 250 people"
        LARGE = "250-1000", "250 to 1,000 people"
        VERY_LARGE = "over-1000", "More than 1,000 people"

    class Timing(models.TextChoices):
        NOW = "now", "As soon as we can"
        QUARTER = "quarter", "In the next three months"
        LATER = "later", "Later this year or next"
        EXPLORING = "exploring", "Just exploring for now"

    organisation_name = models.CharField("Organisation", max_length=150)
    contact_name = models.CharField("Your name", max_length=150)
    email = models.EmailField("Email")
    phone = models.CharField("Phone", max_length=40, blank=True)
    role = models.CharField("Your role", max_length=150)
    challenge = models.TextField("The challenge, in your words")
    organisation_size = models.CharField("Size of your organisation", max_length=20, choices=Size.choices)
    timing = models.CharField("When would you like to start?", max_length=20, choices=Timing.choices)
    privacy_consent_at = models.DateTimeField()
    #: Kept to count submissions per address for the rate limit.
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    #: Set when the enquiry arrived over the rate limit: it waits for a person to release it into the pipeline.
    held_at = models.DateTimeField(null=True, blank=True)
    held_reason = models.CharField(max_length=200, blank=True)

    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    next_step = models.CharField(max_length=200, blank=True)
    next_step_on = models.DateField("Next step by", null=True, blank=True)

    booking_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    booking_link_sent_at = models.DateTimeField(null=True, blank=True)

    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = EnquiryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"{self.organisation_name} ({self.contact_name})"

    @property
    def is_open(self) -> bool:
        return self.stage in OPEN_STAGES

    @property
    def next_step_overdue(self) -> bool:
        return bool(self.is_open and self.next_step_on and self.next_step_on < timezone.localdate())

    def can_move_to(self, stage: str) -> bool:
        return stage in TRANSITIONS[self.stage]

    @property
    def is_converted(self) -> bool:
        return self.programme_id is not None


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class EnquiryNote(models.Model):
    enquiry = models.ForeignKey(Enquiry, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Note on {self.enquiry} at {self.created_at:%Y-%m-%d %H:%M}"


class CallSlotQuerySet(models.QuerySet["CallSlot"]):
    def open(self) -> CallSlotQuerySet:
        """Free slots far enough ahead to be booked."""
        return self.filter(enquiry__isnull=True, starts_at__gt=timezone.now() + dt.timedelta(hours=2)).order_by(
            "starts_at"
        )


class CallSlot(BaseModel):
    """A time a member of staff offers for a discovery call. Booked by at most one enquiry."""

    host = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    minutes = models.PositiveSmallIntegerField(default=30)
    how = models.CharField("How we meet", max_length=200, default="Video call: we send the joining link the day before")
    #: One enquiry per slot, enforced by the database as well as by the booking's row lock.
    enquiry = models.OneToOneField(Enquiry, null=True, blank=True, on_delete=models.SET_NULL, related_name="call_slot")
    booked_at = models.DateTimeField(null=True, blank=True)

    objects = CallSlotQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]

    def __str__(self) -> str:
        return f"Discovery call {timezone.localtime(self.starts_at):%a %d %b %Y %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.minutes)

    @property
    def calendar_uid(self) -> str:
        return f"discovery-call-{self.public_id}@actionset"

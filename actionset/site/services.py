"""Workflows of the public site: pages, testimonials' consent, enquiries and their spam checks, the pipeline,
discovery calls and turning a won enquiry into a client and a draft programme."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core import bots
from actionset.core.access import ADMINISTRATOR, DESIGNER
from actionset.core.audit import AuditAction, audit_record
from actionset.core.email import email_send
from actionset.organisations.models import Organisation, Person, Provider
from actionset.organisations.services import organisation_create, person_save
from actionset.programmes.models import Programme
from actionset.programmes.services import programme_create, programme_update
from actionset.site.calendar import discovery_call_ics
from actionset.site.content import render_markdown
from actionset.site.models import CallSlot, Enquiry, EnquiryNote, Page, Stage, Testimonial, hash_token

spam_log = logging.getLogger("actionset.site.spam")

BOOKING_SALT = "site.discovery-call"
BOOKING_LINK_DAYS = 30
#: Submissions allowed before further ones are held for a person to look at.
EMAIL_LIMIT = (3, dt.timedelta(hours=24))
IP_LIMIT = (5, dt.timedelta(hours=1))


# --- pages and testimonials --------------------------------------------------------------------


def page_save(
    *,
    actor: User | None,
    data: dict[str, Any],
    publish: bool,
    page: Page | None = None,
    request: HttpRequest | None = None,
) -> Page:
    with transaction.atomic():
        creating = page is None
        page = page or Page()
        was_published = page.is_published
        changed = sorted(k for k, v in data.items() if getattr(page, k) != v)
        for key, value in data.items():
            setattr(page, key, value)
        page.body_html = render_markdown(page.body)
        page.updated_by = actor
        if publish and not was_published:
            page.published_at = timezone.now()
        elif not publish:
            page.published_at = None
        page.save()
        detail: dict[str, Any] = {"fields": changed, "published": publish}
        audit_record(
            actor=actor,
            action=AuditAction.PAGE_CREATED if creating else AuditAction.PAGE_UPDATED,
            target=page,
            detail=detail,
            request=request,
        )
        if publish != was_published and not creating:
            audit_record(
                actor=actor,
                action=AuditAction.PAGE_PUBLISHED if publish else AuditAction.PAGE_UNPUBLISHED,
                target=page,
                request=request,
            )
    return page


def quote_save(
    *,
    actor: User,
    data: dict[str, Any],
    consent: dict[str, Any] | None,
    testimonial: Testimonial | None = None,
    request: HttpRequest | None = None,
) -> Testimonial:
    """Save a testimonial; `consent` (given_by, given_on, method, note) records the person's consent to show it.

    A new consent after a withdrawal is a new record: the dates say what happened, in order. Consent is to
    particular words: changing them takes the testimonial off the site until consent to the new words is recorded."""
    with transaction.atomic():
        creating = testimonial is None
        testimonial = testimonial or Testimonial()
        saved_quote = Testimonial.objects.filter(pk=testimonial.pk).values_list("quote", flat=True).first()
        for key, value in data.items():
            setattr(testimonial, key, value)
        lapsed: dict[str, Any] = {}
        if not creating and testimonial.may_be_shown and saved_quote != testimonial.quote:
            lapsed = {
                "given_by": testimonial.consent_given_by,
                "method": testimonial.consent_method,
                "given_at": testimonial.consent_given_at.isoformat() if testimonial.consent_given_at else "",
            }
            testimonial.consent_given_at = None
        recorded = False
        if consent and not testimonial.may_be_shown:
            given_at = dt.datetime.combine(consent["given_on"], dt.time(12), tzinfo=timezone.get_current_timezone())
            testimonial.consent_given_by = consent["given_by"]
            testimonial.consent_given_at = given_at
            testimonial.consent_method = consent["method"]
            testimonial.consent_note = consent.get("note", "")
            testimonial.consent_recorded_by = actor
            testimonial.consent_withdrawn_at = None
            recorded = True
        testimonial.save()
        audit_record(
            actor=actor,
            action=AuditAction.TESTIMONIAL_CREATED if creating else AuditAction.TESTIMONIAL_UPDATED,
            target=testimonial,
            request=request,
        )
        if lapsed:
            audit_record(
                actor=actor,
                action=AuditAction.TESTIMONIAL_CONSENT_LAPSED,
                target=testimonial,
                detail=lapsed,
                request=request,
            )
        if recorded:
            audit_record(
                actor=actor,
                action=AuditAction.TESTIMONIAL_CONSENT_RECORDED,
                target=testimonial,
                detail={"given_by": testimonial.consent_given_by, "method": testimonial.consent_method},
                request=request,
            )
    return testimonial


def quote_consent_withdraw(*, actor: User, testimonial: Testimonial, request: HttpRequest | None = None) -> None:
    """The person has asked us to stop using their words: the testimonial leaves the site at once."""
    with transaction.atomic():
        testimonial.consent_withdrawn_at = timezone.now()
        testimonial.save(update_fields=["consent_withdrawn_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.TESTIMONIAL_CONSENT_WITHDRAWN, target=testimonial, request=request)


# --- the enquiry form and its spam checks ------------------------------------------------------


class Verdict(StrEnum):
    ACCEPTED = "accepted"
    #: Over the rate limit: kept, but held for staff to release before anyone is emailed.
    HELD = "held"
    #: Too quick or a stamp we did not sign: the person gets the form back as they typed it.
    RETRY = "retry"
    #: The honeypot was filled: a bot. Logged and dropped, and the bot is told it worked.
    DROPPED = "dropped"


@dataclass(frozen=True)
class Submission:
    verdict: Verdict
    enquiry: Enquiry | None = None


def enquiry_submit(
    *, data: dict[str, Any], stamp: str, honeypot: str, client_ip: str | None, request: HttpRequest | None = None
) -> Submission:
    """Take an enquiry from the public form. Never loses what a person typed: only a filled honeypot drops it."""
    trap = bots.verdict(honeypot=honeypot, stamp=stamp)
    if trap == bots.Verdict.BOT:
        spam_log.warning(
            "enquiry dropped: honeypot filled (ip=%s, organisation=%r)",
            client_ip,
            str(data.get("organisation_name", ""))[:60],
        )
        return Submission(Verdict.DROPPED)
    if trap == bots.Verdict.TOO_QUICK:
        spam_log.info(
            "enquiry returned to its sender: sent %s s after the form was shown (ip=%s)",
            bots.seconds_since(stamp),
            client_ip,
        )
        return Submission(Verdict.RETRY)
    now = timezone.now()
    with transaction.atomic():
        held_reason = ""
        email_count, email_window = EMAIL_LIMIT
        ip_count, ip_window = IP_LIMIT
        if (
            Enquiry.objects.filter(email__iexact=data["email"], created_at__gte=now - email_window).count()
            >= email_count
        ):
            held_reason = f"More than {email_count} enquiries from this email address in a day"
        elif (
            client_ip
            and Enquiry.objects.filter(client_ip=client_ip, created_at__gte=now - ip_window).count() >= ip_count
        ):
            held_reason = f"More than {ip_count} enquiries from this network address in an hour"
        enquiry = Enquiry.objects.create(
            **data,
            privacy_consent_at=now,
            client_ip=client_ip,
            held_at=now if held_reason else None,
            held_reason=held_reason,
        )
        audit_record(
            actor=None,
            action=AuditAction.ENQUIRY_HELD if held_reason else AuditAction.ENQUIRY_RECEIVED,
            target=enquiry,
            detail={"reason": held_reason} if held_reason else {},
            request=request,
        )
        if held_reason:
            spam_log.warning("enquiry held for review: %s (ip=%s)", held_reason, client_ip)
            return Submission(Verdict.HELD, enquiry)
        _welcome(enquiry)
    return Submission(Verdict.ACCEPTED, enquiry)


def _welcome(enquiry: Enquiry) -> None:
    """The enquirer's confirmation, with a link to book a discovery call, and the team's notification."""
    link = booking_link_issue(enquiry=enquiry)
    has_slots = CallSlot.objects.open().exists()

    def send() -> None:
        email_send(
            to=[enquiry.email],
            template="site_enquiry_received",
            context={"enquiry": enquiry, "booking_link": link, "has_slots": has_slots},
        )
        email_send(
            to=staff_recipients(),
            template="site_enquiry_staff",
            context={"enquiry": enquiry, "link": settings.SITE_URL + reverse("site:enquiry", args=[enquiry.public_id])},
        )

    transaction.on_commit(send)


def staff_recipients() -> list[str]:
    provider = Provider.current()
    if provider.contact_email:
        return [provider.contact_email]
    emails = User.objects.filter(staff_roles__role__in=[ADMINISTRATOR, DESIGNER], is_active=True)
    return sorted(set(emails.values_list("email", flat=True)))


def enquiry_release(*, actor: User, enquiry: Enquiry, request: HttpRequest | None = None) -> None:
    """A held enquiry turns out to be a person: into the pipeline, with the emails it would have had."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.held_at is None:
            return
        enquiry.held_at = None
        enquiry.save(update_fields=["held_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ENQUIRY_RELEASED, target=enquiry, request=request)
        _welcome(enquiry)


def enquiry_discard(*, actor: User, enquiry: Enquiry, request: HttpRequest | None = None) -> None:
    """A held enquiry that is spam after all. Only held ones can be discarded: the pipeline keeps its history."""
    with transaction.atomic():
        if enquiry.held_at is None:
            raise ValueError("only held enquiries can be discarded")
        audit_record(actor=actor, action=AuditAction.ENQUIRY_DISCARDED, target=enquiry, request=request)
        enquiry.delete()


# --- the pipeline ------------------------------------------------------------------------------


class StageRefused(Exception):
    pass


def enquiry_move(*, actor: User, enquiry: Enquiry, stage: str, request: HttpRequest | None = None) -> Enquiry:
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if not enquiry.can_move_to(stage):
            raise StageRefused(f"An enquiry at “{enquiry.get_stage_display()}” cannot move to “{Stage(stage).label}”.")
        before = enquiry.stage
        enquiry.stage = stage
        enquiry.save(update_fields=["stage", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ENQUIRY_STAGE_CHANGED,
            target=enquiry,
            detail={"before": before, "after": stage},
            request=request,
        )
    return enquiry


def enquiry_update(
    *, actor: User, enquiry: Enquiry, data: dict[str, Any], request: HttpRequest | None = None
) -> Enquiry:
    """Owner and next step."""
    with transaction.atomic():
        changed = sorted(k for k, v in data.items() if getattr(enquiry, k) != v)
        for key, value in data.items():
            setattr(enquiry, key, value)
        if changed:
            enquiry.save(update_fields=[*changed, "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.ENQUIRY_UPDATED,
                target=enquiry,
                detail={"fields": changed},
                request=request,
            )
    return enquiry


def enquiry_note_add(*, actor: User, enquiry: Enquiry, text: str) -> EnquiryNote:
    return EnquiryNote.objects.create(enquiry=enquiry, author=actor, text=text.strip())


# --- discovery calls ---------------------------------------------------------------------------


def booking_token_issue(*, enquiry: Enquiry) -> str:
    """A new token to book a discovery call; any earlier one stops working.

    The random part is unguessable and stored only as a hash (so a copy of the database books nothing);
    the signature carries the expiry."""
    raw = secrets.token_urlsafe(24)
    enquiry.booking_token_hash = hash_token(raw)
    enquiry.booking_link_sent_at = timezone.now()
    enquiry.save(update_fields=["booking_token_hash", "booking_link_sent_at", "updated_at"])
    return signing.TimestampSigner(salt=BOOKING_SALT).sign(raw)


def booking_link_issue(*, enquiry: Enquiry) -> str:
    token = booking_token_issue(enquiry=enquiry)
    return settings.SITE_URL + reverse("site:book", kwargs={"token": token})


def enquiry_from_booking_token(token: str) -> Enquiry | None:
    try:
        raw = signing.TimestampSigner(salt=BOOKING_SALT).unsign(token, max_age=dt.timedelta(days=BOOKING_LINK_DAYS))
    except signing.BadSignature:
        return None
    return (
        Enquiry.objects.in_pipeline()
        .filter(booking_token_hash=hash_token(raw), stage__in=[Stage.NEW, Stage.CALL_BOOKED, Stage.PROPOSAL])
        .first()
    )


def booking_link_send(*, actor: User, enquiry: Enquiry, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        link = booking_link_issue(enquiry=enquiry)
        audit_record(actor=actor, action=AuditAction.ENQUIRY_BOOKING_LINK_SENT, target=enquiry, request=request)
        transaction.on_commit(
            lambda: email_send(
                to=[enquiry.email], template="site_booking_link", context={"enquiry": enquiry, "booking_link": link}
            )
        )


def slot_publish(
    *, actor: User, host: User, starts_at: dt.datetime, minutes: int, how: str, request: HttpRequest | None = None
) -> CallSlot:
    with transaction.atomic():
        slot = CallSlot.objects.create(host=host, starts_at=starts_at, minutes=minutes, how=how)
        audit_record(actor=actor, action=AuditAction.CALL_SLOT_PUBLISHED, target=slot, request=request)
    return slot


def slot_withdraw(*, actor: User, slot: CallSlot, request: HttpRequest | None = None) -> None:
    with transaction.atomic():
        slot = CallSlot.objects.select_for_update().get(pk=slot.pk)
        if slot.enquiry_id is not None:
            raise BookingRefused("This slot is booked: talk to the enquirer before moving their call.")
        audit_record(actor=actor, action=AuditAction.CALL_SLOT_WITHDRAWN, target=slot, request=request)
        slot.delete()


class BookingRefused(Exception):
    pass


def call_book(*, enquiry: Enquiry, slot_id: Any, request: HttpRequest | None = None) -> CallSlot:
    """The enquirer takes a slot. Both rows are locked, so two people can never book one slot, nor one
    enquirer two slots; the one-to-one column refuses it as well should a lock ever be skipped."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if CallSlot.objects.filter(enquiry=enquiry).exists():
            raise BookingRefused("Your discovery call is already booked.")
        slot = CallSlot.objects.select_for_update().filter(public_id=slot_id).first()
        if slot is None or slot.enquiry_id is not None or slot not in CallSlot.objects.open():
            raise BookingRefused("Sorry, that time has just been taken. Please choose another.")
        slot.enquiry = enquiry
        slot.booked_at = timezone.now()
        slot.save(update_fields=["enquiry", "booked_at", "updated_at"])
        if enquiry.stage == Stage.NEW:
            enquiry.stage = Stage.CALL_BOOKED
        if not enquiry.next_step:
            enquiry.next_step = "Discovery call"
            enquiry.next_step_on = timezone.localdate(slot.starts_at)
        if enquiry.owner_id is None:
            enquiry.owner = slot.host
        enquiry.save(update_fields=["stage", "next_step", "next_step_on", "owner", "updated_at"])
        audit_record(
            actor=None,
            action=AuditAction.ENQUIRY_CALL_BOOKED,
            target=enquiry,
            detail={"slot": str(slot.public_id)},
            request=request,
        )
        transaction.on_commit(lambda: _send_booking(slot))
    return slot


def _send_booking(slot: CallSlot) -> None:
    ics = [("discovery-call.ics", discovery_call_ics(slot), "text/calendar; method=REQUEST")]
    context = {"slot": slot, "enquiry": slot.enquiry}
    assert slot.enquiry is not None
    email_send(to=[slot.enquiry.email], template="site_call_booked", context=context, attachments=ics)
    context = {**context, "link": settings.SITE_URL + reverse("site:enquiry", args=[slot.enquiry.public_id])}
    email_send(to=[slot.host.email], template="site_call_booked_staff", context=context, attachments=ics)


# --- a won enquiry becomes a client and a programme ----------------------------------------------


class ConversionRefused(Exception):
    pass


def enquiry_convert(
    *,
    actor: User,
    enquiry: Enquiry,
    organisation: Organisation | None,
    title: str,
    blueprint: str,
    request: HttpRequest | None = None,
) -> Programme:
    """A won enquiry: the client organisation (new, or one we already serve), its contact in the directory,
    and a draft programme whose aims and brief start from what the enquirer told us."""
    with transaction.atomic():
        enquiry = Enquiry.objects.select_for_update().get(pk=enquiry.pk)
        if enquiry.stage != Stage.WON:
            raise ConversionRefused("Only a won enquiry becomes a programme.")
        if enquiry.programme_id is not None:
            raise ConversionRefused("This enquiry already has its programme.")
        if organisation is None:
            if Organisation.objects.filter(name__iexact=enquiry.organisation_name).exists():
                raise ConversionRefused(
                    f"An organisation called {enquiry.organisation_name} exists already: choose it from the list."
                )
            organisation = organisation_create(actor=actor, name=enquiry.organisation_name, request=request)
        existing = Person.objects.filter(organisation=organisation, email__iexact=enquiry.email).first()
        if existing is None:
            person_save(
                actor=actor,
                organisation=organisation,
                request=request,
                data={"name": enquiry.contact_name, "email": enquiry.email, "level": enquiry.role[:100]},
            )
        programme = programme_create(
            actor=actor, organisation=organisation, title=title, blueprint=blueprint, request=request
        )
        programme = programme_update(
            actor=actor,
            programme=programme,
            data={
                "aims": f"Agreed with {enquiry.contact_name} ({enquiry.role}) after their enquiry.",
                "brief_context": enquiry.challenge,
            },
            request=request,
        )
        enquiry.organisation = organisation
        enquiry.programme = programme
        enquiry.save(update_fields=["organisation", "programme", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.ENQUIRY_CONVERTED,
            target=enquiry,
            organisation=organisation,
            detail={"programme": str(programme.public_id)},
            request=request,
        )
    return programme


# --- keeping only what the privacy notice says we keep ----------------------------------------------

#: Long enough for the rate limit's windows (a day at most) and for looking into an abuse report.
KEEP_NETWORK_ADDRESS = dt.timedelta(days=90)
#: A held enquiry nobody released within this time was spam.
KEEP_HELD = dt.timedelta(days=30)
#: An enquiry that did not become a client is kept this long after the last thing that happened to it.
KEEP_ENQUIRY = dt.timedelta(days=730)


@dataclass(frozen=True)
class Pruned:
    addresses_cleared: int
    held_deleted: int
    enquiries_deleted: int


def enquiries_prune(*, now: dt.datetime | None = None) -> Pruned:
    """What the privacy notice promises: network addresses go after 90 days, unreleased held enquiries after 30,
    and enquiries that did not become clients two years after the last activity. Won enquiries stay: they are
    part of a client's record."""
    now = now or timezone.now()
    with transaction.atomic():
        cleared = Enquiry.objects.filter(created_at__lt=now - KEEP_NETWORK_ADDRESS, client_ip__isnull=False).update(
            client_ip=None
        )
        held = Enquiry.objects.held().filter(held_at__lt=now - KEEP_HELD)
        held_count = held.count()
        held.delete()
        # Notes go with their enquiry; a booked slot in the past simply loses its link to it.
        stale = Enquiry.objects.exclude(stage=Stage.WON).filter(updated_at__lt=now - KEEP_ENQUIRY)
        stale_count = stale.count()
        stale.delete()
        result = Pruned(addresses_cleared=cleared, held_deleted=held_count, enquiries_deleted=stale_count)
        if cleared or held_count or stale_count:
            audit_record(actor=None, action=AuditAction.ENQUIRIES_PRUNED, detail=dataclasses.asdict(result))
    return result

"""Writing the audit log. Services call `audit_record`; nothing else writes events.

What happened is one of `AuditAction`'s values: one vocabulary, so the log can be filtered by kind and read in
people's words. The stored values are the names the log has always used (some older ones in other styles,
such as "login"), so events written before the vocabulary existed still read and filter the same.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from actionset.core.models import AuditEvent
from actionset.core.network import client_ip


class AuditAction(models.TextChoices):
    """Every kind of event the audit log records, with what it means in people's words."""

    ACCOUNT_CREATED = "account.created", _("Login created")
    ACCOUNT_DEACTIVATED = "account.deactivated", _("Login deactivated")
    ACCOUNT_EMAIL_CHANGE_REQUESTED = "account.email_change_requested", _("Sign-in address change asked for")
    ACCOUNT_EMAIL_CHANGED = "account.email_changed", _("Sign-in address changed")
    ACCOUNT_PASSWORD_CHANGED = "account.password_changed", _("Password changed")
    ACCOUNT_REACTIVATED = "account.reactivated", _("Login reactivated")
    ACCOUNT_RECOVERY_COMPLETED = "account.recovery_completed", _("Locked-out person helped back in")
    ACCOUNT_RECOVERY_STARTED = "account.recovery_started", _("Help back in started by staff")
    ACCOUNT_SIGN_IN_REMINDER_SENT = "account.sign_in_reminder_sent", _("Reminder to sign in sent")
    LOGIN = "login", _("Signed in")
    SSO_CONFIGURED = "sso.configured", _("Single sign-on set up or changed")
    SSO_LINKED = "sso.linked", _("Login linked to a single sign-on identity")
    SSO_PASSWORD_REFUSED = "sso.password_refused", _("Password sign-in or reset refused: single sign-on only")
    SSO_SIGN_IN_REFUSED = "sso.sign_in_refused", _("Single sign-on refused")
    LOGOUT = "logout", _("Signed out")
    ACCREDITATION_BUDDY_ADD = "accreditation.buddy_add", _("Buddy added to a portfolio")
    ACCREDITATION_CREDENTIAL_ISSUE = "accreditation.credential_issue", _("Certificate and credential issued")
    ACCREDITATION_CREDENTIAL_SIGNED = "accreditation.credential_signed", _("Waiting credential signed")
    ACCREDITATION_CREDENTIAL_REVOKE = "accreditation.credential_revoke", _("Credential revoked")
    ACCREDITATION_EVIDENCE_DELETE = "accreditation.evidence_delete", _("Evidence removed from a portfolio")
    ACCREDITATION_EVIDENCE_LOG = "accreditation.evidence_log", _("Evidence logged in a portfolio")
    ACCREDITATION_OBSERVATION_RECORD = "accreditation.observation_record", _("Observation recorded")
    ACCREDITATION_PORTFOLIO_PASS = "accreditation.portfolio_pass", _("Portfolio passed")
    ACCREDITATION_PORTFOLIO_REFER = "accreditation.portfolio_refer", _("Portfolio referred")
    ACCREDITATION_PORTFOLIO_RESUBMIT = "accreditation.portfolio_resubmit", _("Portfolio resubmitted")
    ACCREDITATION_PORTFOLIO_START = "accreditation.portfolio_start", _("Portfolio started")
    ACCREDITATION_PORTFOLIO_SUBMIT = "accreditation.portfolio_submit", _("Portfolio submitted")
    ACCREDITATION_REFLECTION_ADD = "accreditation.reflection_add", _("Reflection added")
    ACCREDITATION_REFLECTION_CHANGE = "accreditation.reflection_change", _("Reflection changed")
    ACCREDITATION_REFLECTION_DELETE = "accreditation.reflection_delete", _("Reflection removed")
    CALENDAR_FEED_CREATED = "calendar_feed.created", _("Calendar feed created")
    CALENDAR_FEED_RESET = "calendar_feed.reset", _("Calendar feed reset")
    CALENDAR_FEED_REVOKED = "calendar_feed.revoked", _("Calendar feed turned off")
    CALL_SLOT_PUBLISHED = "call_slot.published", _("Discovery call slot published")
    CALL_SLOT_WITHDRAWN = "call_slot.withdrawn", _("Discovery call slot withdrawn")
    CONTRACT_CHANGED = "contract.changed", _("Ground rules changed")
    CONTRACT_PROPOSAL_DECLINED = "contract.proposal_declined", _("Change to the ground rules not agreed")
    CONTRACT_PROPOSED = "contract.proposed", _("Change to the ground rules proposed")
    EMAIL_SEND_FAILED = "email.send_failed", _("Email could not be sent")
    ENQUIRIES_PRUNED = "enquiries.pruned", _("Old enquiries deleted")
    ENQUIRY_BOOKING_LINK_SENT = "enquiry.booking_link_sent", _("Discovery call link sent")
    ENQUIRY_CALL_BOOKED = "enquiry.call_booked", _("Discovery call booked")
    ENQUIRY_CONVERTED = "enquiry.converted", _("Enquiry turned into a client")
    ENQUIRY_DISCARDED = "enquiry.discarded", _("Enquiry discarded")
    ENQUIRY_HELD = "enquiry.held", _("Enquiry held for review")
    ENQUIRY_RECEIVED = "enquiry.received", _("Enquiry received")
    ENQUIRY_RELEASED = "enquiry.released", _("Held enquiry released")
    ENQUIRY_STAGE_CHANGED = "enquiry.stage_changed", _("Enquiry moved to another stage")
    ENQUIRY_UPDATED = "enquiry.updated", _("Enquiry updated")
    EVALUATION_ANSWERED = "evaluation.answered", _("Survey answered")
    EVALUATION_INSTRUMENT_IMPORTED = "evaluation.instrument_imported", _("Evaluation instrument imported")
    EVALUATION_REPORT_EXPORTED = "evaluation.report_exported", _("Evaluation report exported")
    INVITATION_ACCEPTED = "invitation.accepted", _("Invitation accepted")
    INVITATION_SENT = "invitation.sent", _("Invitation sent")
    LEARNING_DECISION_RECORDED_IN_ROOM = (
        "learning.decision_recorded_in_room",
        _("Sharing decision recorded in the room"),
    )
    LEARNING_ITEM_EDITED = "learning.item_edited", _("Shared item reworded")
    LEARNING_ITEM_OBJECTED = "learning.item_objected", _("Objection to sharing an item")
    LEARNING_ITEM_PROPOSED = "learning.item_proposed", _("Item proposed for sharing")
    LEARNING_ITEM_RELEASED = "learning.item_released", _("Item released beyond the set")
    LEARNING_ITEM_TAGGED = "learning.item_tagged", _("Shared item tagged with a theme")
    LEARNING_ITEM_WITHDRAWN = "learning.item_withdrawn", _("Shared item withdrawn")
    LEARNING_QUESTION_ANSWERED = "learning.question_answered", _("Question to leaders answered")
    LEARNING_ROOM_DECISION_CLEARED = (
        "learning.room_decision_cleared",
        _("Sharing decision recorded in the room cleared"),
    )
    LEARNING_ROOM_DECISION_REPLACED = (
        "learning.room_decision_replaced",
        _("Sharing decision recorded in the room replaced by the member"),
    )
    LEARNING_THEME_CREATED = "learning.theme_created", _("Theme created")
    MEETING_ATTENDANCE = "meeting.attendance", _("Attendance recorded")
    MEETING_CANCELLED = "meeting.cancelled", _("Meeting cancelled")
    MEETING_ENDED = "meeting.ended", _("Meeting ended")
    MEETING_RESCHEDULED = "meeting.rescheduled", _("Meeting moved")
    MEETING_STARTED = "meeting.started", _("Meeting started")
    MEETING_START_UNDONE = "meeting.start_undone", _("Meeting start undone")
    ORGANISATION_CREATED = "organisation.created", _("Organisation added")
    ORGANISATION_TWO_FACTOR_POLICY_CHANGED = (
        "organisation.two_factor_policy_changed",
        _("Organisation's two-factor policy changed"),
    )
    ORGANISATION_UPDATED = "organisation.updated", _("Organisation details changed")
    ORGANISATION_ATTRIBUTES_CHANGED = "organisation.attributes_changed", _("Organisation's own attributes changed")
    PAGE_CREATED = "page.created", _("Site page created")
    PAGE_PUBLISHED = "page.published", _("Site page published")
    PAGE_UNPUBLISHED = "page.unpublished", _("Site page unpublished")
    PAGE_UPDATED = "page.updated", _("Site page changed")
    PEOPLE_EXPORTED = "people.exported", _("Directory exported")
    PEOPLE_IMPORTED = "people.imported", _("Directory imported")
    PERSON_CREATED = "person.created", _("Person added to a directory")
    PERSON_DATA_EXPORTED = "person.data_exported", _("Everything held about a person asked for")
    PERSON_DATA_DOWNLOADED = "person.data_downloaded", _("Everything held about a person downloaded")
    PERSON_ERASED = "person.erased", _("Person's data erased")
    PERSON_HANDED_OVER = "person.handed_over", _("Leaver's open work handed over")
    PERSON_LEGAL_HOLD_PLACED = "person.legal_hold_placed", _("Legal hold placed on a person's data")
    PERSON_LEGAL_HOLD_RELEASED = "person.legal_hold_released", _("Legal hold on a person's data released")
    PERSON_LINKED = "person.linked", _("Directory entry linked to a login")
    PERSON_UPDATED = "person.updated", _("Directory entry changed")
    PROGRAMME_CREATED = "programme.created", _("Programme created")
    PROGRAMME_ENROLLED = "programme.enrolled", _("Person enrolled in a programme")
    PROGRAMME_EVALUATION_CHANGED = "programme.evaluation_changed", _("Evaluation plan changed")
    PROGRAMME_EVENT_DELETED = "programme.event_deleted", _("Programme event removed")
    PROGRAMME_EVENT_SAVED = "programme.event_saved", _("Programme event saved")
    VENUE_SAVED = "venue.saved", _("Venue saved")
    PROGRAMME_POOL_IMPORTED = "programme.pool_imported", _("Participant pool imported")
    PROGRAMME_RUN_SHEET = "programme.run_sheet", _("Run sheet timings changed")
    PROGRAMME_STATUS_CHANGED = "programme.status_changed", _("Programme status changed")
    PROGRAMME_UPDATED = "programme.updated", _("Programme design changed")
    PROGRAMME_WITHDRAWN = "programme.withdrawn", _("Person withdrawn from a programme")
    PROVIDER_TWO_FACTOR_POLICY_CHANGED = (
        "provider.two_factor_policy_changed",
        _("Provider's two-factor policy for staff changed"),
    )
    PROVIDER_UPDATED = "provider.updated", _("Provider's details changed")
    RETENTION_APPLIED = "retention.applied", _("Data past its retention period deleted")
    RETENTION_CHANGED = "retention.changed", _("Retention schedule changed")
    ROLES_CHANGED = "roles.changed", _("Person's organisation roles changed")
    SCHEDULE_CREATED = "schedule.created", _("Meetings scheduled")
    SETS_COMPOSITION_STARTED = "sets.composition_started", _("Set composition started")
    SETS_FACILITATORS_CHANGED = "sets.facilitators_changed", _("Set's facilitators changed")
    SETS_MEETING_LINK_CHANGED = "sets.meeting_link_changed", _("Set's meeting link changed")
    SETS_MEMBER_MOVED = "sets.member_moved", _("Member moved between sets")
    SETS_PUBLISHED = "sets.published", _("Sets published")
    SETS_EXPORTED = "sets.exported", _("Set lists exported")
    STAFF_ROLES_CHANGED = "staff_roles.changed", _("Staff roles changed")
    TESTIMONIAL_CONSENT_LAPSED = "testimonial.consent_lapsed", _("Testimonial consent lapsed")
    TESTIMONIAL_CONSENT_RECORDED = "testimonial.consent_recorded", _("Testimonial consent recorded")
    TESTIMONIAL_CONSENT_WITHDRAWN = "testimonial.consent_withdrawn", _("Testimonial consent withdrawn")
    TESTIMONIAL_CREATED = "testimonial.created", _("Testimonial added")
    TESTIMONIAL_UPDATED = "testimonial.updated", _("Testimonial changed")
    TRAINING_ATTENDANCE_RECORDED = "training.attendance_recorded", _("Course attendance recorded")
    TRAINING_BOOKING_CANCELLED = "training.booking_cancelled", _("Course booking cancelled")
    TRAINING_BOOKING_CONFIRMED = "training.booking_confirmed", _("Course place booked")
    TRAINING_BOOKING_WAITLISTED = "training.booking_waitlisted", _("Put on a course waitlist")
    TRAINING_COHORT_CHANGED = "training.cohort_changed", _("Cohort changed")
    TRAINING_COHORT_CREATED = "training.cohort_created", _("Cohort created")
    TRAINING_COURSE_CHANGED = "training.course_changed", _("Course changed")
    TRAINING_COURSE_CREATED = "training.course_created", _("Course created")
    TRAINING_MATERIAL_ADDED = "training.material_added", _("Course material added")
    TRAINING_MATERIAL_REMOVED = "training.material_removed", _("Course material removed")
    TRAINING_OFFER_ACCEPTED = "training.offer_accepted", _("Offered course place accepted")
    TRAINING_OFFER_LAPSED = "training.offer_lapsed", _("Offered course place lapsed")
    TRAINING_OFFER_MADE = "training.offer_made", _("Course place offered from the waitlist")
    TRAINING_SESSION_CHANGED = "training.session_changed", _("Course session changed")
    TRAINING_SESSION_CREATED = "training.session_created", _("Course session added")

    @classmethod
    def matching(cls, words: str) -> list[AuditAction]:
        """The kinds of event whose description or name contains `words`, for filtering the log by what it means."""
        needle = words.strip().lower()
        return [a for a in cls if needle in str(a.label).lower() or needle in a.value]


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_ip(request)


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    target: models.Model | None = None,
    organisation: Any = None,
    detail: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    target_id = ""
    if target is not None:
        target_id = str(getattr(target, "public_id", None) or target.pk)
    if organisation is None and target is not None:
        organisation = getattr(target, "organisation", None)
    return AuditEvent.objects.create(
        actor=user,
        actor_email=getattr(user, "email", "") or "",
        action=action,
        target_type=(target._meta.model_name or "") if target is not None else "",
        target_id=target_id,
        target_label=str(target)[:200] if target is not None else "",
        organisation=organisation,
        detail=detail or {},
        ip_address=_client_ip(request),
    )

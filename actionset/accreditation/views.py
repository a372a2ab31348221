from __future__ import annotations

import csv
import io
import json
from typing import Any
from uuid import UUID

import jwt
from django.contrib import messages
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.accreditation import openbadges, signing
from actionset.accreditation.evidence import meeting_lines
from actionset.accreditation.feedback import AREA_LABELS, RATING_LABELS
from actionset.accreditation.forms import (
    BuddyForm,
    DecisionForm,
    EvidenceForm,
    ObservationForm,
    ReflectionForm,
    RevokeForm,
    SubmitForm,
)
from actionset.accreditation.models import (
    Award,
    Counted,
    Credential,
    EvidenceEntry,
    Observation,
    Portfolio,
    Reflection,
    Submission,
)
from actionset.accreditation.pdf import certificate_pdf, evidence_pdf
from actionset.accreditation.progress import progress_for, progress_of
from actionset.accreditation.services import (
    AccreditationError,
    buddy_add,
    credential_revoke,
    evidence_delete,
    evidence_log,
    observation_record,
    portfolio_decide,
    portfolio_start,
    portfolio_submit,
    reflection_add,
    reflection_change,
    reflection_delete,
)
from actionset.core.access import access, actor_for, can, visible

# --- loaders -----------------------------------------------------------------------------------


def portfolio_from_url(*, portfolio: UUID) -> Portfolio:
    return get_object_or_404(
        Portfolio.objects.select_related("award", "candidate", "cohort__course"), public_id=portfolio
    )


def entry_from_url(*, portfolio: UUID, entry: UUID) -> EvidenceEntry:
    return get_object_or_404(
        EvidenceEntry.objects.select_related("portfolio__candidate"), public_id=entry, portfolio__public_id=portfolio
    )


def reflection_from_url(*, portfolio: UUID, reflection: UUID) -> Reflection:
    return get_object_or_404(
        Reflection.objects.select_related("portfolio__candidate", "portfolio__award"),
        public_id=reflection,
        portfolio__public_id=portfolio,
    )


def credential_from_url(*, credential: str) -> Credential:
    try:
        public_id = UUID(str(credential))
    except ValueError:
        raise Http404 from None
    return get_object_or_404(
        Credential.objects.select_related("portfolio__award", "portfolio__candidate", "revoked_by"),
        public_id=public_id,
    )


def signed_credential_from_url(*, credential: str) -> Credential:
    """The credential, when it has been signed: one waiting for a signing key has nothing to download yet."""
    record = credential_from_url(credential=credential)
    if not record.is_signed:
        raise Http404("This credential is not signed yet.")
    return record


# --- the candidate's own page ------------------------------------------------------------------


@access("accreditation.own")
def my_portfolios(request: HttpRequest) -> HttpResponse:
    user = user_of(request)
    actor = actor_for(request)
    awards = list(Award.objects.prefetch_related("requirements"))
    own = visible(actor, "portfolio.view", Portfolio.objects.filter(candidate=user))
    # Each portfolio's logged entries, reflective-log words and observations in this one read, not once a portfolio.
    own = own.select_related("award").prefetch_related("entries").with_counted()
    mine = {p.award_id: p for p in own}
    # The meetings they facilitated count towards every award: read once, not once an award.
    meetings = meeting_lines(user)
    rows = []
    for award in awards:
        portfolio = mine.get(award.pk)
        rows.append(
            {
                "award": award,
                "portfolio": portfolio,
                "progress": progress_of(award, user, portfolio, meetings=meetings),
            }
        )
    buddying = (
        visible(actor, "portfolio.observe", Portfolio.objects.filter(buddies__user=user, status__in=Portfolio.EDITABLE))
        .select_related("candidate", "award")
        .order_by("candidate__name")
    )
    return render(request, "accreditation/my_portfolios.html", {"rows": rows, "buddying": buddying})


@access("accreditation.own")
@require_POST
def portfolio_start_view(request: HttpRequest, award: str) -> HttpResponse:
    award_obj = get_object_or_404(Award, slug=award)
    portfolio = portfolio_start(actor=user_of(request), award=award_obj, request=request)
    return redirect("accreditation:portfolio", portfolio=portfolio.public_id)


def _portfolio_page(request: HttpRequest, portfolio: Portfolio, **forms: Any) -> HttpResponse:
    actor = actor_for(request)
    # The reflections and observations are listed on the page: their words and number are counted from the lists.
    reflections = list(portfolio.reflections.all())
    observed = list(portfolio.observations.all())
    total_words = sum(r.words for r in reflections)
    progress = progress_for(portfolio, counted=Counted(words=total_words, observations=len(observed)))
    observations = [(o, o.feedback_rows) for o in observed]
    # Each submission's snapshot of the evidence is for the record, not the page; of people only their names.
    submissions = list(
        portfolio.submissions.select_related("decided_by", "submitted_by").only(
            *(f.name for f in Submission._meta.concrete_fields if f.name != "snapshot"),
            "decided_by__name",
            "decided_by__email",
            "submitted_by__name",
            "submitted_by__email",
        )
    )
    credential = getattr(portfolio, "credential", None) if portfolio.status == Portfolio.Status.PASSED else None
    is_candidate = portfolio.candidate_id == actor.user.pk
    can_edit = can(actor, "portfolio.edit", portfolio) and portfolio.is_editable
    can_assess = can(actor, "portfolio.assess", portfolio) and portfolio.status == Portfolio.Status.SUBMITTED
    context = {
        "portfolio": portfolio,
        "progress": progress,
        "reflections": reflections,
        "observations": observations,
        "submissions": submissions,
        "latest": submissions[0] if submissions else None,
        # Listed to the candidate alone.
        "buddies": list(portfolio.buddies.select_related("user").only("portfolio_id", "user__name", "user__email"))
        if is_candidate
        else [],
        "credential": credential,
        "is_candidate": is_candidate,
        "can_edit": can_edit,
        "can_observe": portfolio.is_editable and can(actor, "portfolio.observe", portfolio),
        "can_assess": can_assess,
        "can_revoke": credential is not None and can(actor, "credential.revoke", credential),
        "submit_form": forms.get("submit_form") or SubmitForm(),
        "buddy_form": forms.get("buddy_form") or BuddyForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "revoke_form": forms.get("revoke_form") or RevokeForm(),
        "total_words": total_words,
    }
    return render(request, "accreditation/portfolio.html", context, status=400 if forms else 200)


@access("portfolio.view", load=portfolio_from_url)
def portfolio_detail(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    return _portfolio_page(request, portfolio)


def _refuse(request: HttpRequest, portfolio: Portfolio, error: AccreditationError) -> HttpResponse:
    messages.error(request, str(error))
    return redirect("accreditation:portfolio", portfolio=portfolio.public_id)


@access("portfolio.edit", load=portfolio_from_url)
def hours_new(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    if not portfolio.is_editable:
        return _refuse(request, portfolio, AccreditationError("This portfolio cannot change while it is assessed."))
    form = EvidenceForm(request.POST or None, initial={"happened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            evidence_log(
                actor=user_of(request),
                portfolio=portfolio,
                kind=data["kind"],
                happened_on=data["happened_on"],
                minutes=data["minutes"],
                set_size=data["set_size"],
                organisation_name=data["organisation_name"],
                supervisor=data["supervisor"],
                request=request,
            )
        except AccreditationError as error:
            return _refuse(request, portfolio, error)
        messages.success(request, "Logged.")
        return redirect("accreditation:portfolio", portfolio=portfolio.public_id)
    return render(
        request,
        "accreditation/hours_form.html",
        {"portfolio": portfolio, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@access("portfolio.edit", load=entry_from_url)
@require_POST
def entry_delete(request: HttpRequest, entry: EvidenceEntry) -> HttpResponse:
    portfolio = entry.portfolio
    try:
        evidence_delete(actor=user_of(request), entry=entry, request=request)
    except AccreditationError as error:
        return _refuse(request, portfolio, error)
    messages.success(request, "Removed.")
    return redirect("accreditation:portfolio", portfolio=portfolio.public_id)


@access("portfolio.edit", load=portfolio_from_url)
def reflection_new(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    if not portfolio.is_editable:
        return _refuse(request, portfolio, AccreditationError("This portfolio cannot change while it is assessed."))
    form = ReflectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            reflection = reflection_add(
                actor=user_of(request), portfolio=portfolio, request=request, **form.cleaned_data
            )
        except AccreditationError as error:
            return _refuse(request, portfolio, error)
        messages.success(request, f"Reflection saved ({reflection.words} words).")
        return redirect("accreditation:portfolio", portfolio=portfolio.public_id)
    return render(
        request,
        "accreditation/reflection_form.html",
        {"portfolio": portfolio, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@access("portfolio.edit", load=reflection_from_url)
def reflection_edit(request: HttpRequest, reflection: Reflection) -> HttpResponse:
    portfolio = reflection.portfolio
    if not portfolio.is_editable:
        return _refuse(request, portfolio, AccreditationError("This portfolio cannot change while it is assessed."))
    if request.method == "POST" and "delete" in request.POST:
        try:
            reflection_delete(actor=user_of(request), reflection=reflection, request=request)
        except AccreditationError as error:
            return _refuse(request, portfolio, error)
        messages.success(request, "Reflection removed.")
        return redirect("accreditation:portfolio", portfolio=portfolio.public_id)
    initial = {"written_on": reflection.written_on, "title": reflection.title, "text": reflection.text}
    form = ReflectionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reflection_change(actor=user_of(request), reflection=reflection, request=request, **form.cleaned_data)
        except AccreditationError as error:
            return _refuse(request, portfolio, error)
        messages.success(request, f"Reflection saved ({reflection.words} words).")
        return redirect("accreditation:portfolio", portfolio=portfolio.public_id)
    return render(
        request,
        "accreditation/reflection_form.html",
        {"portfolio": portfolio, "form": form, "reflection": reflection},
        status=400 if request.method == "POST" else 200,
    )


@access("portfolio.edit", load=portfolio_from_url)
@require_POST
def buddy_new(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    form = BuddyForm(request.POST)
    if not form.is_valid():
        return _portfolio_page(request, portfolio, buddy_form=form)
    try:
        buddy_add(actor=user_of(request), portfolio=portfolio, user=form.cleaned_data["user"], request=request)
    except AccreditationError as error:
        return _refuse(request, portfolio, error)
    messages.success(request, f"{form.cleaned_data['user']} can now record observations of you. We have told them.")
    return redirect("accreditation:portfolio", portfolio=portfolio.public_id)


@access("portfolio.observe", load=portfolio_from_url)
def observation_new(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    actor = actor_for(request)
    if not portfolio.is_editable:
        return _refuse(request, portfolio, AccreditationError("This portfolio cannot change while it is assessed."))
    form = ObservationForm(request.POST or None, initial={"observed_on": timezone.localdate()})
    role = Observation.Role.ASSESSOR if can(actor, "portfolio.assess", portfolio) else Observation.Role.BUDDY
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            observation_record(
                actor=user_of(request),
                portfolio=portfolio,
                role=role,
                observed_on=data["observed_on"],
                minutes=round(data["hours"] * 60),
                set_size=data["set_size"],
                feedback=form.feedback(),
                summary=data["summary"],
                request=request,
            )
        except AccreditationError as error:
            return _refuse(request, portfolio, error)
        messages.success(request, f"Observation of {portfolio.candidate} recorded.")
        if can(actor, "portfolio.view", portfolio):
            return redirect("accreditation:portfolio", portfolio=portfolio.public_id)
        return redirect("accreditation:mine")
    return render(
        request,
        "accreditation/observation_form.html",
        {"portfolio": portfolio, "form": form, "role": role},
        status=400 if request.method == "POST" else 200,
    )


@access("portfolio.edit", load=portfolio_from_url)
def submit(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    progress = progress_for(portfolio)
    form = SubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            portfolio_submit(
                actor=user_of(request),
                portfolio=portfolio,
                note=form.cleaned_data["note"],
                accept_unmet=form.cleaned_data["accept_unmet"],
                request=request,
            )
        except AccreditationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Submitted. An assessor will review your portfolio and tell you by email.")
            return redirect("accreditation:portfolio", portfolio=portfolio.public_id)
    return render(
        request,
        "accreditation/submit.html",
        {"portfolio": portfolio, "progress": progress, "form": form},
        status=400 if form.errors else 200,
    )


@access("portfolio.assess", load=portfolio_from_url)
@require_POST
def decide(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _portfolio_page(request, portfolio, decision_form=form)
    try:
        submission = portfolio_decide(
            actor=user_of(request),
            portfolio=portfolio,
            outcome=form.cleaned_data["outcome"],
            feedback=form.cleaned_data["feedback"],
            request=request,
        )
    except AccreditationError as error:
        return _refuse(request, portfolio, error)
    if submission.outcome == "pass" and not signing.signing_available():
        messages.warning(
            request,
            _(
                "Passed. %(candidate)s's certificate is recorded and its page and PDF work, but its Open Badge "
                "credential is not signed: no signing key is configured. Ask your administrator to set "
                "ACCREDITATION_SIGNING_KEY_FILE and run manage.py accreditation_sign_pending (see the deployment "
                "guide)."
            )
            % {"candidate": portfolio.candidate},
        )
    elif submission.outcome == "pass":
        messages.success(request, f"Passed. {portfolio.candidate}'s certificate has been issued.")
    else:
        messages.success(request, f"Referred. {portfolio.candidate} has your feedback and can resubmit.")
    return redirect("accreditation:portfolio", portfolio=portfolio.public_id)


# --- exports for an awarding body ------------------------------------------------------------


def _export_name(portfolio: Portfolio, extension: str) -> str:
    return f"evidence-{slugify(portfolio.candidate.get_full_name() or 'candidate')}-{portfolio.award.slug}.{extension}"


EXPORT_COLUMNS = ["date", "kind", "hours", "set_size", "organisation", "source", "supervisor"]


@access("portfolio.view", load=portfolio_from_url)
def export_csv(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    progress = progress_for(portfolio)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["candidate", portfolio.candidate.get_full_name(), "award", portfolio.award.name])
    writer.writerow([])
    writer.writerow(["requirement", "target", "achieved", "unit", "met"])
    for r in progress.requirements:
        writer.writerow([r.label, r.target, r.achieved_display, r.unit, "yes" if r.met else "no"])
    writer.writerow([])
    writer.writerow(EXPORT_COLUMNS)
    for line in progress.lines:
        writer.writerow(
            [
                line.happened_on.isoformat(),
                line.kind_label,
                f"{line.minutes / 60:.2f}",
                line.set_size or "",
                line.organisation_name,
                "actionset meeting" if line.source == "actionset" else "logged by candidate",
                line.supervisor,
            ]
        )
    writer.writerow([])
    writer.writerow(["reflection date", "title", "words"])
    for reflection in portfolio.reflections.all():
        writer.writerow([reflection.written_on.isoformat(), reflection.title, reflection.words])
    writer.writerow([])
    writer.writerow(["observation date", "observer", "role", "hours"] + [AREA_LABELS[k] for k in AREA_LABELS])
    for observation in portfolio.observations.all():
        ratings = [RATING_LABELS.get(observation.feedback.get(k, {}).get("rating", ""), "") for k in AREA_LABELS]
        writer.writerow(
            [
                observation.observed_on.isoformat(),
                observation.observer_name,
                observation.get_role_display(),
                f"{observation.minutes / 60:.2f}",
                *ratings,
            ]
        )
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(portfolio, "csv")}"'
    return response


@access("portfolio.view", load=portfolio_from_url)
def export_pdf(request: HttpRequest, portfolio: Portfolio) -> HttpResponse:
    response = HttpResponse(evidence_pdf(portfolio, progress_for(portfolio)), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(portfolio, "pdf")}"'
    return response


# --- assessors -------------------------------------------------------------------------------


@access("assessments.list")
def assessments(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    # The rule leaves out a trainer's own portfolio: nobody assesses themself.
    waiting = (
        visible(actor, "portfolio.assess", Portfolio.objects.filter(status=Portfolio.Status.SUBMITTED))
        .select_related("candidate", "award", "cohort")
        .annotate(submitted_at=Max("submissions__submitted_at"))
        .order_by("submitted_at")
    )
    in_progress = (
        visible(actor, "portfolio.assess", Portfolio.objects.filter(status__in=Portfolio.EDITABLE))
        .select_related("candidate", "award", "cohort")
        .order_by("candidate__name")
    )
    passed = (
        visible(actor, "portfolio.view", Portfolio.objects.filter(status=Portfolio.Status.PASSED))
        .select_related("candidate", "award", "credential")
        .order_by("-updated_at")[:20]
    )
    return render(
        request,
        "accreditation/assessments.html",
        {"waiting": waiting, "in_progress": in_progress, "passed": passed},
    )


# --- credentials: public ---------------------------------------------------------------------


@access("public")
def verify(request: HttpRequest, credential: str) -> HttpResponse:
    record = credential_from_url(credential=credential)
    payload: dict[str, Any] = {}
    signature_ok = False
    if record.is_signed:
        try:
            payload = signing.verify(record.token)
            signature_ok = payload.get("id") == openbadges.credential_url(record)
        except jwt.PyJWTError:  # a token that fails to verify is shown as such, never as an error page
            payload, signature_ok = {}, False
    actor = actor_for(request)
    can_revoke = actor.is_authenticated and can(actor, "credential.revoke", record) and not record.is_revoked
    return render(
        request,
        "accreditation/verify.html",
        {
            "credential": record,
            "payload": payload,
            "signature_ok": signature_ok,
            "demo_key": record.key_id.startswith(signing.DEMO_KID_PREFIX),
            "is_holder": actor.is_authenticated and record.portfolio.candidate_id == actor.user.pk,
            "can_revoke": can_revoke,
            "revoke_form": RevokeForm(),
            "jwks_url": openbadges.absolute("/.well-known/jwks.json"),
        },
    )


@access("public")
def credential_jwt(request: HttpRequest, credential: str) -> HttpResponse:
    record = signed_credential_from_url(credential=credential)
    response = HttpResponse(record.token, content_type="application/vc+jwt")
    response["Content-Disposition"] = f'attachment; filename="credential-{record.public_id}.jwt"'
    return response


@access("public")
def credential_json(request: HttpRequest, credential: str) -> HttpResponse:
    record = signed_credential_from_url(credential=credential)
    # The credential as issued; its proof is the JWT, which a verifier checks (the .jwt download).
    payload = jwt.decode(record.token, options={"verify_signature": False})
    response = HttpResponse(json.dumps(payload, indent=2), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="credential-{record.public_id}.json"'
    return response


@access("public")
def certificate(request: HttpRequest, credential: str) -> HttpResponse:
    record = credential_from_url(credential=credential)
    response = HttpResponse(certificate_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{record.public_id}.pdf"'
    return response


@access("credential.revoke", load=credential_from_url)
@require_POST
def revoke(request: HttpRequest, credential: Credential) -> HttpResponse:
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Give the reason for revoking: it is shown on the verification page.")
    else:
        try:
            credential_revoke(
                actor=user_of(request), credential=credential, reason=form.cleaned_data["reason"], request=request
            )
        except AccreditationError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Revoked. The verification page and the status list now say so.")
    return redirect("accreditation:verify", credential=str(credential.public_id))


@access("public")
def jwks(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(signing.jwks())
    response["Access-Control-Allow-Origin"] = "*"
    return response


@access("public")
def issuer(request: HttpRequest) -> HttpResponse:
    profile = openbadges.issuer_profile()
    # The issuer profile carries the verification key too, for verifiers that look for it there.
    if signing.signing_available():
        profile["publicKey"] = signing.public_jwk()
    response = JsonResponse(profile)
    response["Access-Control-Allow-Origin"] = "*"
    return response


@access("public")
def status_list(request: HttpRequest) -> HttpResponse:
    if not signing.signing_available():
        raise Http404("No signing key is configured, so there is no signed status list.")
    revoked = list(Credential.objects.filter(revoked_at__isnull=False).values_list("status_index", flat=True))
    token = signing.sign(openbadges.status_list_payload(revoked, valid_from=timezone.now().replace(microsecond=0)))
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "max-age=300"
    return response

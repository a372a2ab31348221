from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from actionset.accounts.http import user_of
from actionset.core.access import access, actor_for, visible
from actionset.core.bots import seconds_since
from actionset.core.network import client_ip
from actionset.programmes.blueprints import BLUEPRINTS
from actionset.site import services
from actionset.site.addenda import addendum_for
from actionset.site.content import RESERVED_SLUGS, url_prefixes
from actionset.site.forms import (
    ConvertForm,
    EnquiryForm,
    EnquiryUpdateForm,
    NoteForm,
    PageForm,
    SlotForm,
    TestimonialForm,
)
from actionset.site.models import (
    OPEN_STAGES,
    TRANSITIONS,
    CallSlot,
    Enquiry,
    EnquiryNote,
    Page,
    Stage,
    Testimonial,
)
from actionset.site.sitemaps import SITEMAPS

# --- loaders -------------------------------------------------------------------------------------


def _published(kind: str, slug: str) -> Page:
    return get_object_or_404(Page.objects.published(), kind=kind, slug=slug)


def page_from_slug(*, slug: str) -> Page:
    return _published(Page.Kind.PAGE, slug)


def case_study_from_slug(*, slug: str) -> Page:
    return _published(Page.Kind.CASE_STUDY, slug)


def resource_from_slug(*, slug: str) -> Page:
    return _published(Page.Kind.RESOURCE, slug)


def any_page(*, page: UUID) -> Page:
    return get_object_or_404(Page, public_id=page)


def enquiry_from_url(*, enquiry: UUID) -> Enquiry:
    return get_object_or_404(Enquiry.objects.select_related("owner", "organisation", "programme"), public_id=enquiry)


def slot_from_url(*, slot: UUID) -> CallSlot:
    return get_object_or_404(CallSlot, public_id=slot)


def testimonial_from_url(*, testimonial: UUID) -> Testimonial:
    return get_object_or_404(Testimonial, public_id=testimonial)


def enquiry_from_token(*, token: str) -> Enquiry:
    enquiry = services.enquiry_from_booking_token(token)
    if enquiry is None:
        raise Http404("This link is not valid any more.")
    return enquiry


# --- public pages ------------------------------------------------------------------------------


def home_page(request: HttpRequest, *, preview: Page | None = None) -> HttpResponse:
    """The public home page, shown at the site's root to anyone not signed in (see core.views.home)."""
    page = preview or Page.objects.published().filter(kind=Page.Kind.HOME).first()
    return render(
        request,
        "site/home.html",
        {
            "page": page,
            "preview": preview is not None,
            "case_studies": Page.objects.published().filter(kind=Page.Kind.CASE_STUDY)[:3],
            "testimonials": Testimonial.objects.consented()[:2],
            "resources": Page.objects.published().filter(kind=Page.Kind.RESOURCE)[:3],
            "next_slot": CallSlot.objects.open().first(),
        },
    )


@access("public", load=page_from_slug)
def page(request: HttpRequest, page: Page) -> HttpResponse:
    return render(request, "site/page.html", {"page": page, "addendum": addendum_for(page.slug)})


@access("public")
def case_studies(request: HttpRequest) -> HttpResponse:
    pages = Page.objects.published().filter(kind=Page.Kind.CASE_STUDY)
    return render(request, "site/listing.html", {"pages": pages, "listing": "case_studies"})


@access("public", load=case_study_from_slug)
def case_study(request: HttpRequest, page: Page) -> HttpResponse:
    return render(request, "site/page.html", {"page": page, "section": "case_studies"})


@access("public")
def resources(request: HttpRequest) -> HttpResponse:
    pages = Page.objects.published().filter(kind=Page.Kind.RESOURCE)
    return render(request, "site/listing.html", {"pages": pages, "listing": "resources"})


@access("public", load=resource_from_slug)
def resource(request: HttpRequest, page: Page) -> HttpResponse:
    return render(request, "site/page.html", {"page": page, "section": "resources"})


@access("public")
def testimonials(request: HttpRequest) -> HttpResponse:
    return render(request, "site/testimonials.html", {"testimonials": Testimonial.objects.consented()})


@access("public")
def sitemap(request: HttpRequest) -> HttpResponse:
    return django_sitemap(request, sitemaps=SITEMAPS)


#: Public addresses inside app prefixes: the training catalogue is part of the public site.
PUBLIC_PREFIXES = frozenset({"training"})


@access("public")
def robots(request: HttpRequest) -> HttpResponse:
    private = sorted(url_prefixes() - PUBLIC_PREFIXES | {"enquiries", "site-pages", "discovery-call"})
    lines = ["User-agent: *", *(f"Disallow: /{prefix}/" for prefix in private)]
    lines.append(f"Sitemap: {request.build_absolute_uri(reverse('site:sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


# --- the enquiry form --------------------------------------------------------------------------

THANKS_SESSION_KEY = "site.enquiry_verdict"


@access("public")
def enquire(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        form = EnquiryForm()
        return render(request, "site/enquire.html", {"form": form})
    form = EnquiryForm(request.POST)
    if form.is_valid():
        submission = services.enquiry_submit(
            data=form.enquiry_data(),
            stamp=form.cleaned_data["started"],
            honeypot=form.cleaned_data["website"],
            client_ip=client_ip(request),
            request=request,
        )
        if submission.verdict != services.Verdict.RETRY:
            # A bot that filled the honeypot is thanked like anyone else: it learns nothing to adapt to.
            verdict = (
                services.Verdict.ACCEPTED if submission.verdict == services.Verdict.DROPPED else submission.verdict
            )
            request.session[THANKS_SESSION_KEY] = str(verdict)
            return redirect("site:enquire_thanks")
        # Everything typed comes back; only the stamp is new, so the next send is measured from now.
        form.restamp()
        return render(request, "site/enquire.html", {"form": form, "retry": True})
    if seconds_since(str(request.POST.get("started", ""))) is None:
        form.restamp()
    return render(request, "site/enquire.html", {"form": form})


@access("public")
def enquire_thanks(request: HttpRequest) -> HttpResponse:
    verdict = request.session.pop(THANKS_SESSION_KEY, None)
    return render(request, "site/enquire_thanks.html", {"held": verdict == services.Verdict.HELD})


@access("public", load=enquiry_from_token)
def book(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    booked = CallSlot.objects.filter(enquiry=enquiry).select_related("host").first()
    error = ""
    if request.method == "POST" and booked is None:
        try:
            booked = services.call_book(enquiry=enquiry, slot_id=_uuid(request.POST.get("slot", "")), request=request)
        except services.BookingRefused as refused:
            error = str(refused)
        else:
            return redirect(request.path)
    slots = CallSlot.objects.open().select_related("host")[:24] if booked is None else []
    return render(request, "site/book.html", {"enquiry": enquiry, "booked": booked, "slots": slots, "error": error})


def _uuid(value: str) -> UUID | None:
    try:
        return UUID(value)
    except ValueError:
        return None


# --- the pipeline ------------------------------------------------------------------------------


@access("site.pipeline")
def pipeline(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    enquiries = (
        visible(actor, "site.pipeline", Enquiry.objects.in_pipeline())
        .select_related("owner", "programme")
        .order_by("next_step_on", "-created_at")
    )
    if request.GET.get("mine"):
        enquiries = enquiries.filter(owner=user_of(request))
    by_stage: dict[str, list[Enquiry]] = {stage: [] for stage in Stage.values}
    for enquiry in enquiries:
        by_stage[enquiry.stage].append(enquiry)
    columns = [{"stage": stage, "label": Stage(stage).label, "enquiries": by_stage[stage]} for stage in Stage.values]
    open_enquiries = [e for e in enquiries if e.stage in OPEN_STAGES]
    return render(
        request,
        "site/pipeline.html",
        {
            "columns": columns,
            "held": visible(actor, "site.pipeline", Enquiry.objects.held()).order_by("-created_at"),
            "overdue": sum(e.next_step_overdue for e in open_enquiries),
            "open_count": len(open_enquiries),
            "mine": bool(request.GET.get("mine")),
            "free_slots": CallSlot.objects.open().count(),
        },
    )


def _enquiry_context(enquiry: Enquiry, **extra: Any) -> dict[str, Any]:
    return {
        "enquiry": enquiry,
        "notes": EnquiryNote.objects.filter(enquiry=enquiry).select_related("author"),
        "slot": CallSlot.objects.filter(enquiry=enquiry).select_related("host").first(),
        "moves": [(s, Stage(s).label) for s in TRANSITIONS[enquiry.stage]],
        "stages": Stage.choices,
        "update_form": extra.pop("update_form", None) or EnquiryUpdateForm(instance=enquiry),
        "note_form": extra.pop("note_form", None) or NoteForm(),
        "free_slots": CallSlot.objects.open().count(),
        **extra,
    }


@access("site.pipeline", load=enquiry_from_url)
def enquiry(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    return render(request, "site/enquiry.html", _enquiry_context(enquiry))


@access("site.pipeline", load=enquiry_from_url)
@require_POST
def enquiry_update(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    form = EnquiryUpdateForm(request.POST, instance=Enquiry.objects.get(pk=enquiry.pk))
    if not form.is_valid():
        return render(request, "site/enquiry.html", _enquiry_context(enquiry, update_form=form))
    services.enquiry_update(
        actor=user_of(request),
        enquiry=enquiry,
        data={k: form.cleaned_data[k] for k in form.Meta.fields},
        request=request,
    )
    messages.success(request, "Owner and next step saved.")
    return redirect("site:enquiry", enquiry=enquiry.public_id)


@access("site.pipeline", load=enquiry_from_url)
@require_POST
def enquiry_note(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render(request, "site/enquiry.html", _enquiry_context(enquiry, note_form=form))
    services.enquiry_note_add(actor=user_of(request), enquiry=enquiry, text=form.cleaned_data["text"])
    messages.success(request, "Note added.")
    return redirect("site:enquiry", enquiry=enquiry.public_id)


@access("site.pipeline", load=enquiry_from_url)
@require_POST
def enquiry_stage(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    stage = request.POST.get("stage", "")
    if stage not in Stage.values:
        messages.error(request, "Choose a stage.")
    else:
        try:
            services.enquiry_move(actor=user_of(request), enquiry=enquiry, stage=stage, request=request)
        except services.StageRefused as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, f"Moved to “{Stage(stage).label}”.")
    return redirect("site:enquiry", enquiry=enquiry.public_id)


@access("site.pipeline", load=enquiry_from_url)
@require_POST
def enquiry_booking_link(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    if not enquiry.is_open or enquiry.held_at:
        messages.error(request, "Only an open enquiry in the pipeline can be sent a booking link.")
    else:
        services.booking_link_send(actor=user_of(request), enquiry=enquiry, request=request)
        messages.success(request, f"A new booking link has gone to {enquiry.email}; any earlier link no longer works.")
    return redirect("site:enquiry", enquiry=enquiry.public_id)


@access("site.pipeline", load=enquiry_from_url)
@require_POST
def enquiry_release(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    services.enquiry_release(actor=user_of(request), enquiry=enquiry, request=request)
    messages.success(request, f"{enquiry} is in the pipeline, and they have been emailed.")
    return redirect("site:enquiry", enquiry=enquiry.public_id)


@access("site.pipeline", load=enquiry_from_url)
@require_POST
def enquiry_discard(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    if enquiry.held_at is None:
        messages.error(request, "Only an enquiry held for review can be discarded.")
        return redirect("site:enquiry", enquiry=enquiry.public_id)
    services.enquiry_discard(actor=user_of(request), enquiry=enquiry, request=request)
    messages.success(request, "Discarded as spam.")
    return redirect("site:pipeline")


@access("site.pipeline", load=enquiry_from_url)
def enquiry_convert(request: HttpRequest, enquiry: Enquiry) -> HttpResponse:
    if enquiry.programme_id:
        return redirect("programmes:detail", programme=enquiry.programme.public_id)  # type: ignore[union-attr]
    if enquiry.stage != Stage.WON:
        messages.error(request, "Move the enquiry to “Won” before turning it into a programme.")
        return redirect("site:enquiry", enquiry=enquiry.public_id)
    form = ConvertForm(
        request.POST or None,
        initial={
            "title": f"{enquiry.organisation_name}: action learning programme",
            "blueprint": next(iter(BLUEPRINTS)),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.enquiry_convert(
                actor=user_of(request),
                enquiry=enquiry,
                organisation=form.cleaned_data["organisation"],
                title=form.cleaned_data["title"],
                blueprint=form.cleaned_data["blueprint"],
                request=request,
            )
        except services.ConversionRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request, f"{programme.organisation.name} is a client now, with a draft programme to design."
            )
            return redirect("programmes:detail", programme=programme.public_id)
    return render(
        request, "site/convert.html", {"enquiry": enquiry, "form": form, "blueprints": list(BLUEPRINTS.values())}
    )


@access("site.pipeline")
def slots(request: HttpRequest) -> HttpResponse:
    form = SlotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.slot_publish(
            actor=user_of(request),
            host=user_of(request),
            starts_at=form.cleaned_data["starts_at"],
            minutes=form.cleaned_data["minutes"],
            how=form.cleaned_data["how"],
            request=request,
        )
        messages.success(request, "Slot published: enquirers can book it now.")
        return redirect("site:slots")
    upcoming = (
        CallSlot.objects.filter(starts_at__gte=timezone.now()).select_related("host", "enquiry").order_by("starts_at")
    )
    return render(request, "site/slots.html", {"form": form, "slots": upcoming})


@access("site.pipeline", load=slot_from_url)
@require_POST
def slot_withdraw(request: HttpRequest, slot: CallSlot) -> HttpResponse:
    try:
        services.slot_withdraw(actor=user_of(request), slot=slot, request=request)
    except services.BookingRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, "Slot withdrawn.")
    return redirect("site:slots")


# --- editing the site ----------------------------------------------------------------------------


@access("site.edit")
def pages(request: HttpRequest) -> HttpResponse:
    headings: dict[str, str] = {
        Page.Kind.HOME: "Home page",
        Page.Kind.PAGE: "Pages",
        Page.Kind.CASE_STUDY: "Case studies",
        Page.Kind.RESOURCE: "Publications and resources",
    }
    every = list(Page.objects.select_related("updated_by"))
    # An app added after a page was written may have taken its address; the app wins, so say so here.
    prefixes = url_prefixes() | RESERVED_SLUGS
    for p in every:
        p.shadowed = p.kind == Page.Kind.PAGE and p.slug in prefixes  # type: ignore[attr-defined]
    by_kind = [(kind, headings[kind], [p for p in every if p.kind == kind]) for kind in Page.Kind.values]
    return render(request, "site/pages.html", {"by_kind": by_kind})


def _page_form(request: HttpRequest, page: Page | None) -> HttpResponse:
    form = PageForm(request.POST or None, instance=page, initial=None if page else {"kind": request.GET.get("kind")})
    if request.method == "POST" and form.is_valid():
        saved = services.page_save(
            actor=user_of(request),
            page=page,
            data=form.page_data(),
            publish=form.cleaned_data["published"],
            request=request,
        )
        state = "published" if saved.is_published else "saved as a draft"
        messages.success(request, f"“{saved.title}” {state}.")
        return redirect("site:page_edit", page=saved.public_id)
    return render(request, "site/page_form.html", {"form": form, "page": page})


@access("site.edit")
def page_new(request: HttpRequest) -> HttpResponse:
    return _page_form(request, None)


@access("site.edit", load=any_page)
def page_edit(request: HttpRequest, page: Page) -> HttpResponse:
    return _page_form(request, page)


@access("site.edit", load=any_page)
def page_preview(request: HttpRequest, page: Page) -> HttpResponse:
    if page.kind == Page.Kind.HOME:
        return home_page(request, preview=page)
    return render(request, "site/page.html", {"page": page, "preview": True})


@access("site.edit")
def testimonials_manage(request: HttpRequest) -> HttpResponse:
    items = Testimonial.objects.select_related("consent_recorded_by")
    return render(request, "site/testimonials_manage.html", {"testimonials": items})


def _testimonial_form(request: HttpRequest, testimonial: Testimonial | None) -> HttpResponse:
    form = TestimonialForm(request.POST or None, instance=testimonial)
    if request.method == "POST" and form.is_valid():
        services.quote_save(
            actor=user_of(request),
            testimonial=testimonial,
            data=form.testimonial_data(),
            consent=form.consent(),
            request=request,
        )
        messages.success(request, "Testimonial saved.")
        return redirect("site:testimonials_manage")
    return render(request, "site/testimonial_form.html", {"form": form, "testimonial": testimonial})


@access("site.edit")
def testimonial_new(request: HttpRequest) -> HttpResponse:
    return _testimonial_form(request, None)


@access("site.edit", load=testimonial_from_url)
def testimonial_edit(request: HttpRequest, testimonial: Testimonial) -> HttpResponse:
    return _testimonial_form(request, testimonial)


@access("site.edit", load=testimonial_from_url)
@require_POST
def testimonial_withdraw(request: HttpRequest, testimonial: Testimonial) -> HttpResponse:
    services.quote_consent_withdraw(actor=user_of(request), testimonial=testimonial, request=request)
    messages.success(request, f"Consent withdrawn: {testimonial.person_name}'s words are no longer on the site.")
    return redirect("site:testimonials_manage")


def training_url(name: str = "training:catalogue") -> str | None:
    """The training catalogue lives in the training app; until it is routed, the site simply does not link to it."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return None

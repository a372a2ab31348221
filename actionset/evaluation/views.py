from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import slugify

from actionset.accounts.http import user_of
from actionset.core.access import access, actor_for, can
from actionset.evaluation import services
from actionset.evaluation.forms import InstrumentImportForm, ResponseForm
from actionset.evaluation.models import Instrument, Item, Occasion, Response
from actionset.evaluation.presentation import dashboard_context
from actionset.evaluation.report import report_csv, report_pdf
from actionset.evaluation.results import MIN_RESPONSES, programme_results
from actionset.evaluation.surveys import surveys_for
from actionset.programmes.models import Enrolment, Programme
from actionset.programmes.views import programme_from_url, programme_page_context


def instrument_from_url(*, instrument: UUID) -> Instrument:
    return get_object_or_404(Instrument, public_id=instrument)


def occasion_from_url(*, occasion: UUID) -> Occasion:
    return get_object_or_404(
        Occasion.objects.select_related("programme__organisation", "instrument"), public_id=occasion
    )


@access("evaluation.instruments")
def instrument_list(request: HttpRequest) -> HttpResponse:
    services.builtins_ensure()
    instruments = Instrument.objects.prefetch_related("items")
    return render(
        request,
        "evaluation/instruments.html",
        {
            "instruments": instruments,
            "may_import": can(actor_for(request), "evaluation.instrument_import"),
        },
    )


@access("evaluation.instruments", load=instrument_from_url)
def instrument_detail(request: HttpRequest, instrument: Instrument) -> HttpResponse:
    items = instrument.items.select_related("scale")
    return render(
        request,
        "evaluation/instrument.html",
        {"instrument": instrument, "items": items, "scales": instrument.scales.all(), "min_responses": MIN_RESPONSES},
    )


@access("evaluation.instrument_import")
def instrument_import(request: HttpRequest) -> HttpResponse:
    form = InstrumentImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            instrument = services.instrument_import(
                actor=user_of(request), content=upload.read(), filename=upload.name, request=request
            )
        except services.ImportRefused as refused:
            errors = refused.errors
        else:
            messages.success(request, f"“{instrument.name}” added, with {instrument.items.count()} items.")
            return redirect("evaluation:instrument", instrument=instrument.public_id)
    return render(request, "evaluation/import.html", {"form": form, "errors": errors})


@access("evaluation.surveys")
def survey_list(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/surveys.html", {"surveys": surveys_for(user_of(request))})


@access("evaluation.respond", load=occasion_from_url)
def respond(request: HttpRequest, occasion: Occasion) -> HttpResponse:
    """Answer a survey once; afterwards the same address shows the respondent their own answers, to them alone."""
    user = user_of(request)
    mine = (
        Response.objects.filter(occasion=occasion, enrolment__person__user=user)
        .prefetch_related("answers__item__scale")
        .first()
    )
    if mine is not None:
        answers = sorted(mine.answers.all(), key=lambda a: a.item.position)
        return render(
            request, "evaluation/my_answers.html", {"occasion": occasion, "response": mine, "answers": answers}
        )
    form = ResponseForm(request.POST or None, instrument=occasion.instrument)
    if request.method == "POST" and occasion.is_open and form.is_valid():
        try:
            services.response_submit(actor=user, occasion=occasion, answers=form.answers(), request=request)
        except services.ResponseRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Thank you. Your answers are saved; only you can see them.")
            return redirect("evaluation:surveys")
    return render(
        request,
        "evaluation/respond.html",
        {
            "occasion": occasion,
            "form": form,
            "state": occasion.state(),
            "min_responses": MIN_RESPONSES,
            "has_free_text": occasion.instrument.items.filter(kind=Item.Kind.FREE_TEXT).exists(),
        },
    )


def link_from_url(*, token: str) -> tuple[Occasion, Enrolment]:
    found = services.from_token(token)
    if found is None:
        raise Http404("This link is not valid or has expired.")
    return found


@access("evaluation.answer_by_link", load=link_from_url)
def answer_by_link(request: HttpRequest, link: tuple[Occasion, Enrolment]) -> HttpResponse:
    """Answer through one's own emailed link, without signing in. Once only; answers are never shown here, since
    whoever holds a forwarded link should learn nothing."""
    occasion, enrolment = link
    answered = Response.objects.filter(occasion=occasion, enrolment=enrolment).exists()
    just_answered = False
    form = ResponseForm(request.POST or None, instrument=occasion.instrument)
    if request.method == "POST" and not answered and occasion.is_open and form.is_valid():
        try:
            services.response_submit_by_link(
                occasion=occasion, enrolment=enrolment, answers=form.answers(), request=request
            )
        except services.ResponseRefused as refused:
            form.add_error(None, str(refused))
        else:
            answered = just_answered = True
    response = render(
        request,
        "evaluation/answer_by_link.html",
        {
            "occasion": occasion,
            "form": form,
            "state": occasion.state(),
            "answered": answered,
            "just_answered": just_answered,
            "min_responses": MIN_RESPONSES,
            "has_free_text": occasion.instrument.items.filter(kind=Item.Kind.FREE_TEXT).exists(),
        },
    )
    # The address is a key: keep it out of caches and out of any Referer header sent to another site.
    response["Cache-Control"] = "no-store"
    # (same-origin rather than no-referrer: with no-referrer the browser sends "Origin: null" and the form
    # fails its CSRF check.)
    response["Referrer-Policy"] = "same-origin"
    return response


def _reads_shared_learning(request: HttpRequest, programme: Programme) -> bool:
    """What sets released goes to the people it was shared with (sponsors, the organisation's admins, designers and
    developers), not to everyone who may read a programme's results."""
    return can(actor_for(request), "learning.programme", programme)


@access("evaluation.dashboard", load=programme_from_url)
def dashboard(request: HttpRequest, programme: Programme) -> HttpResponse:
    results = programme_results(programme, with_learning=_reads_shared_learning(request, programme))
    context = programme_page_context(request, programme, "results", **dashboard_context(results))
    return render(request, "evaluation/dashboard.html", context)


def _filename(programme: Programme, extension: str) -> str:
    return f"{slugify(programme.title) or 'programme'}-report-{timezone.localdate():%Y-%m-%d}.{extension}"


@access("evaluation.dashboard", load=programme_from_url)
def dashboard_pdf(request: HttpRequest, programme: Programme) -> HttpResponse:
    results = programme_results(programme, with_learning=_reads_shared_learning(request, programme))
    content = report_pdf(results)
    services.report_exported(actor=user_of(request), programme=programme, format="pdf", request=request)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, "pdf")}"'
    return response


@access("evaluation.dashboard", load=programme_from_url)
def dashboard_csv(request: HttpRequest, programme: Programme) -> HttpResponse:
    results = programme_results(programme, with_learning=_reads_shared_learning(request, programme))
    content = report_csv(results)
    services.report_exported(actor=user_of(request), programme=programme, format="csv", request=request)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(programme, "csv")}"'
    return response

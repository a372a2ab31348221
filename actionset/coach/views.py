"""Practice mode: a trainee facilitator reads a scenario, writes questions, and gets kind feedback with reasons.

Nothing the trainee types is stored: the questions are labelled and sent straight back.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from actionset.coach.classifier import ADVICE, CLOSED, LEADING, OPEN, Verdict, questions
from actionset.coach.scenarios import SCENARIOS, scenario_for
from actionset.core.access import access

MAX_CHARS = 4_000

# What the trainee reads under each question: what the label means, then one way forward. Kind, never a verdict on them.
FEEDBACK = {
    OPEN: _("An open question: it leaves the presenter room to think for themselves."),
    CLOSED: _(
        "A closed question: it can be answered in a word. Fine for checking a fact; to open it up, try starting "
        "with “What…” or “How…”."
    ),
    ADVICE: _(
        "This may reach the presenter as advice: your idea, phrased as a question. If the idea matters, ask what "
        "they have already considered, and let them get there."
    ),
    LEADING: _(
        "A leading question: it carries your answer and asks the presenter to agree with it. Ask what they "
        "think instead, without offering the answer, and see where they go."
    ),
}


class PracticeForm(forms.Form):
    scenario = forms.ChoiceField(choices=[(s.slug, s.title) for s in SCENARIOS])
    questions = forms.CharField(
        label="Your questions",
        max_length=MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One or more questions for the presenter; put each on its own line if you like.",
    )


@dataclass(frozen=True)
class Feedback:
    verdict: Verdict
    message: str


def feedback_for(text: str) -> list[Feedback]:
    """Each question the trainee wrote, with its feedback; read line by line, so one question per line stays apart."""
    found = [v for line in text.splitlines() for v in questions(line)]
    return [Feedback(v, str(FEEDBACK[v.label])) for v in found]


@access("signed_in")
@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest) -> HttpResponse:
    results: list[Feedback] | None = None
    if request.method == "POST":
        form = PracticeForm(request.POST)
        if form.is_valid():
            results = feedback_for(form.cleaned_data["questions"])
        scenario = scenario_for(request.POST.get("scenario"))
    else:
        scenario = scenario_for(request.GET.get("scenario"))
        form = PracticeForm(initial={"scenario": scenario.slug})
    context = {
        "scenario": scenario,
        "scenarios": SCENARIOS,
        "form": form,
        "results": results,
        "open_count": sum(f.verdict.label == OPEN for f in results or []),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "coach/practice.html#feedback", context)
    return render(request, "coach/practice.html", context)

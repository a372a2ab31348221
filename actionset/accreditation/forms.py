from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone

from actionset.accounts.models import User
from actionset.accreditation.feedback import AREAS, RATINGS
from actionset.accreditation.models import EntryKind, Submission

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_CONTENT = "Dates, durations and numbers only: never the names of set members or what was said."


def _not_future(value: dt.date) -> None:
    if value > timezone.localdate():
        raise forms.ValidationError("This date is still to come.")


class HoursField(forms.DecimalField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", Decimal("0.25"))
        kwargs.setdefault("max_value", Decimal("24"))
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}))
        super().__init__(**kwargs)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label="What kind of time", choices=EntryKind.choices)
    happened_on = forms.DateField(label="Date", widget=DATE, validators=[_not_future])
    hours = HoursField(label="Hours", help_text="For example 2.5 for two and a half hours.")
    set_size = forms.IntegerField(label="Members in the set (optional)", required=False, min_value=1, max_value=20)
    organisation_name = forms.CharField(
        label="Organisation (optional)", required=False, max_length=150, help_text=NO_CONTENT
    )
    supervisor = forms.CharField(
        label="Supervisor (for supervision)", required=False, max_length=150, help_text="Who supervised you."
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == EntryKind.SUPERVISION and not data.get("supervisor", "").strip():
            self.add_error("supervisor", "Say who supervised you.")
        if "hours" in data and data["hours"] is not None:
            data["minutes"] = round(data["hours"] * 60)
        return data


class ReflectionForm(forms.Form):
    written_on = forms.DateField(label="Date", widget=DATE, validators=[_not_future], initial=timezone.localdate)
    title = forms.CharField(max_length=150, help_text="A few words: what this reflection is about.")
    text = forms.CharField(
        label="Reflection",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Your assessors read this. Write about your own practice; " + NO_CONTENT[0].lower() + NO_CONTENT[1:],
    )


class BuddyForm(forms.Form):
    email = forms.EmailField(label="Your buddy's email", help_text="They must already have an actionset login.")

    def clean_email(self) -> Any:
        email = self.cleaned_data["email"]
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError("Nobody with that email has an actionset login.")
        self.cleaned_data["user"] = user
        return email


class ObservationForm(forms.Form):
    observed_on = forms.DateField(label="Date observed", widget=DATE, validators=[_not_future])
    hours = HoursField(label="Hours observed")
    set_size = forms.IntegerField(label="Members in the set (optional)", required=False, min_value=1, max_value=20)
    summary = forms.CharField(
        label="Overall (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=NO_CONTENT
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, label, help_text in AREAS:
            self.fields[f"{key}_rating"] = forms.ChoiceField(
                label=f"{label}: rating", choices=RATINGS, widget=forms.RadioSelect
            )
            self.fields[f"{key}_comment"] = forms.CharField(
                label=f"{label}: comment", widget=forms.Textarea(attrs={"rows": 3}), help_text=help_text
            )

    def areas(self) -> list[tuple[str, str, Any, Any]]:
        return [(key, label, self[f"{key}_rating"], self[f"{key}_comment"]) for key, label, _ in AREAS]

    def feedback(self) -> dict[str, dict[str, str]]:
        return {
            key: {"rating": self.cleaned_data[f"{key}_rating"], "comment": self.cleaned_data[f"{key}_comment"]}
            for key, _, _ in AREAS
        }


class SubmitForm(forms.Form):
    note = forms.CharField(
        label="Note for the assessor (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    accept_unmet = forms.BooleanField(
        label="Submit anyway: I know some requirements are not met yet, and explain why in my note",
        required=False,
    )


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Submission.Outcome.PASS, "Pass: issue the certificate"),
            (Submission.Outcome.REFER, "Refer: ask for more"),
        ],
        widget=forms.RadioSelect,
    )
    feedback = forms.CharField(
        label="Feedback to the candidate",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Needed when you refer: what they must do before resubmitting.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == Submission.Outcome.REFER and not data.get("feedback", "").strip():
            self.add_error("feedback", "Say what the candidate needs to do before they resubmit.")
        return data


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        help_text="Shown on the public verification page.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

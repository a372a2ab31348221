from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone

from actionset.accounts.models import User
from actionset.core.access import ADMINISTRATOR, DESIGNER
from actionset.core.bots import BotTrapForm
from actionset.organisations.models import Organisation
from actionset.programmes.blueprints import BLUEPRINTS
from actionset.site.content import slug_is_reserved
from actionset.site.models import Enquiry, Page, Testimonial


class EnquiryForm(BotTrapForm, forms.ModelForm):
    """The public enquiry form, with the public forms' bot traps (`website`, `started`: see actionset.core.bots)."""

    consent = forms.BooleanField(
        label="I have read the privacy notice and agree that you keep these details to reply to my enquiry.",
        error_messages={"required": "We need your agreement to keep your details before we can reply."},
    )

    class Meta:
        model = Enquiry
        fields = [
            "contact_name",
            "role",
            "organisation_name",
            "email",
            "phone",
            "organisation_size",
            "timing",
            "challenge",
        ]
        widgets = {
            "challenge": forms.Textarea(attrs={"rows": 7}),
            "organisation_size": forms.RadioSelect,
            "timing": forms.RadioSelect,
        }
        help_texts = {
            "challenge": "What is going on, what you have tried, and what would be different if it went well. "
            "A few sentences is plenty.",
            "phone": "Optional. Only if you would rather we rang.",
            "role": "For example: Head of Organisational Development.",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact_name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["role"].widget.attrs["autocomplete"] = "organization-title"
        # Radio buttons need no "---------" choice: nothing is chosen until the person chooses.
        self.fields["organisation_size"].choices = Enquiry.Size.choices  # type: ignore[attr-defined]
        self.fields["timing"].choices = Enquiry.Timing.choices  # type: ignore[attr-defined]

    def enquiry_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class PageForm(forms.ModelForm):
    published = forms.BooleanField(
        required=False, label="Published", help_text="Untick to take the page off the site; it stays here as a draft."
    )

    class Meta:
        model = Page
        fields = ["title", "slug", "kind", "description", "body", "in_navigation", "position"]
        widgets = {"body": forms.Textarea(attrs={"rows": 22}), "description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["published"].initial = bool(self.instance.pk and self.instance.is_published)

    def clean_slug(self) -> str:
        slug: str = self.cleaned_data["slug"]
        if self.cleaned_data.get("kind", self.data.get("kind")) != Page.Kind.HOME and slug_is_reserved(slug):
            raise forms.ValidationError(f"“{slug}” is an address the application itself uses. Choose another.")
        return slug

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == Page.Kind.HOME:
            others = Page.objects.filter(kind=Page.Kind.HOME).exclude(pk=self.instance.pk)
            if others.exists():
                self.add_error("kind", "There is a home page already: edit that one.")
        return cleaned

    def page_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class TestimonialForm(forms.ModelForm):
    consent_given_by = forms.CharField(required=False, label="Consent given by", max_length=150)
    consent_given_on = forms.DateField(
        required=False, label="Consent given on", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    consent_method = forms.ChoiceField(
        required=False, label="How consent was given", choices=[("", "—"), *Testimonial.ConsentMethod.choices]
    )
    consent_note = forms.CharField(required=False, label="Where the record is kept", max_length=300)

    class Meta:
        model = Testimonial
        fields = ["quote", "person_name", "person_role", "organisation_name", "position"]
        widgets = {"quote": forms.Textarea(attrs={"rows": 5})}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parts = [cleaned.get("consent_given_by"), cleaned.get("consent_given_on"), cleaned.get("consent_method")]
        if any(parts) and not all(parts):
            raise forms.ValidationError("To record consent, say who gave it, on what date, and how.")
        given_on = cleaned.get("consent_given_on")
        if given_on and given_on > timezone.localdate():
            self.add_error("consent_given_on", "Consent cannot be dated in the future.")
        return cleaned

    def consent(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("consent_given_on"):
            return None
        return {
            "given_by": self.cleaned_data["consent_given_by"],
            "given_on": self.cleaned_data["consent_given_on"],
            "method": self.cleaned_data["consent_method"],
            "note": self.cleaned_data["consent_note"],
        }

    def testimonial_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


def pipeline_staff() -> Any:
    return (
        User.objects.filter(staff_roles__role__in=[ADMINISTRATOR, DESIGNER], is_active=True)
        .distinct()
        .order_by("name", "email")
    )


class EnquiryUpdateForm(forms.ModelForm):
    class Meta:
        model = Enquiry
        fields = ["owner", "next_step", "next_step_on"]
        widgets = {"next_step_on": forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = pipeline_staff()  # type: ignore[attr-defined]
        self.fields["owner"].empty_label = "Nobody yet"  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    text = forms.CharField(label="Add a note", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class SlotForm(forms.Form):
    day = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    time = forms.TimeField(
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": 900}), label="Starts at"
    )
    minutes = forms.TypedChoiceField(
        coerce=int, choices=[(30, "30 minutes"), (45, "45 minutes"), (60, "An hour")], initial=30, label="Length"
    )
    how = forms.CharField(
        max_length=200, initial="Video call: we send the joining link the day before", label="How we meet"
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("day") and cleaned.get("time"):
            starts = dt.datetime.combine(cleaned["day"], cleaned["time"], tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
            if starts <= timezone.now():
                raise forms.ValidationError("Choose a time in the future.")
            cleaned["starts_at"] = starts
        return cleaned


class ConvertForm(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        empty_label="A new client organisation, named as in the enquiry",
        label="Client organisation",
    )
    title = forms.CharField(max_length=200, label="Programme title")
    blueprint = forms.ChoiceField(
        choices=[(b.key, b.label) for b in BLUEPRINTS.values()], label="Start from", widget=forms.RadioSelect
    )

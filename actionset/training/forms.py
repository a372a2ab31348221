from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone

from actionset.accounts.models import User
from actionset.core.bots import BotTrapForm
from actionset.training.models import Cohort, CohortSession, Course


class CohortChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        first = obj.sessions.order_by("starts_at").first()
        if first is None:
            return str(obj.name)
        return f"{obj.name}, from {formats.date_format(timezone.localtime(first.starts_at), 'D j M Y')}"


class BookingForm(BotTrapForm):
    """Booking a place. Anyone may post it without signing in, so it carries the public forms' bot traps."""

    cohort = CohortChoiceField(
        queryset=Cohort.objects.none(),
        to_field_name="public_id",
        empty_label=None,
        widget=forms.RadioSelect,
        label="Cohort",
    )
    name = forms.CharField(max_length=150, label="Your name")
    email = forms.EmailField(label="Email address")
    organisation_name = forms.CharField(max_length=150, required=False, label="Organisation (optional)")
    consent_to_contact = forms.BooleanField(
        label="I agree to be contacted by email about this booking (confirmation, changes, a place coming free).",
        error_messages={"required": "We need to email you about your booking: please tick to agree."},
    )
    join_waitlist = forms.BooleanField(
        required=False, label="If the cohort is full, put me on the waitlist and email me if a place comes free."
    )

    def __init__(self, *args: Any, cohorts: QuerySet[Cohort], user: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cohort_field = self.fields["cohort"]
        assert isinstance(cohort_field, forms.ModelChoiceField)
        cohort_field.queryset = cohorts
        if user is not None:
            # A signed-in person books for themself: the booking is tied to their login, under their address.
            self.fields["email"].disabled = True
            self.fields["email"].initial = user.email
            self.fields["email"].help_text = "Your sign-in address. The booking will be on your account."
            self.fields["name"].initial = user.name


class EnrolForm(forms.Form):
    name = forms.CharField(max_length=150)
    email = forms.EmailField()
    organisation_name = forms.CharField(max_length=150, required=False, label="Organisation")
    join_waitlist = forms.BooleanField(required=False, label="Add to the waitlist if the cohort is full")


class CourseForm(forms.ModelForm):
    class Meta:
        model = Course
        fields = [
            "title",
            "slug",
            "kind",
            "develops",
            "summary",
            "description",
            "outcomes",
            "price",
            "price_note",
            "is_published",
        ]
        labels = {"slug": "Web address", "develops": "Develops", "is_published": "Published in the public catalogue"}
        help_texts = {"slug": "Lower-case words joined by hyphens, used in the course page's address."}
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 5}),
            "outcomes": forms.Textarea(attrs={"rows": 5}),
        }


class TrainerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class CohortForm(forms.ModelForm):
    trainers = TrainerChoiceField(
        queryset=User.objects.filter(staff_roles__role="trainer").distinct().order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Cohort
        fields = ["name", "capacity", "status", "trainers"]
        help_texts = {
            "capacity": "Places on the cohort. Never exceeded: when it is full, bookers join the waitlist.",
            "status": "Cancelled: every booking and waitlist place is cancelled, and each person is emailed.",
        }

    def clean_capacity(self) -> int:
        capacity: int = self.cleaned_data["capacity"]
        if capacity < 1:
            raise forms.ValidationError("A cohort needs at least one place.")
        if self.instance.pk is not None:
            held = self.instance.held_places_count()
            if capacity < held:
                raise forms.ValidationError(
                    f"{held} places are already taken or on offer: the capacity cannot be lower than that."
                )
        return capacity


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SessionForm(forms.ModelForm):
    online_url = forms.URLField(
        required=False, assume_scheme="https", label="Online joining link", help_text="For an online session."
    )

    class Meta:
        model = CohortSession
        fields = ["title", "starts_at", "ends_at", "venue", "online_url"]
        labels = {"starts_at": "Starts", "ends_at": "Ends", "online_url": "Online joining link"}
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "A session ends after it starts.")
        if not data.get("venue") and not data.get("online_url"):
            self.add_error("venue", "Give a venue, an online joining link, or both.")
        return data


class MaterialForm(forms.Form):
    title = forms.CharField(max_length=150)
    file = forms.FileField(required=False, label="Upload a file")
    url = forms.URLField(required=False, label="Or give a link", assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Upload a file or give a link (one of the two).")
        return data

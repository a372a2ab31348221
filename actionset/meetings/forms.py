from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone

from actionset.meetings.models import Meeting
from actionset.meetings.scheduling import SlotOption, zone


class RescheduleForm(forms.Form):
    """A meeting's new date, times and place, read in the programme's time zone."""

    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    ends = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    location = forms.CharField(max_length=200, required=False, help_text="Venue, or how to join online.")
    note = forms.CharField(
        label="Note to the set (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Goes in the email with the new invitation, e.g. why it moved.",
    )

    def __init__(self, *args: Any, meeting: Meeting, **kwargs: Any) -> None:
        self.meeting = meeting
        self.tz = zone(meeting.learning_set.programme.time_zone)
        starts = meeting.starts_at.astimezone(self.tz)
        ends = meeting.ends_at.astimezone(self.tz)
        kwargs.setdefault(
            "initial",
            {"date": starts.date(), "starts": starts.time(), "ends": ends.time(), "location": meeting.location},
        )
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        starts_at = datetime.combine(data["date"], data["starts"], tzinfo=self.tz)
        ends_at = datetime.combine(data["date"], data["ends"], tzinfo=self.tz)
        if ends_at <= starts_at:
            self.add_error("ends", "The meeting must end after it starts.")
        elif starts_at <= timezone.now():
            self.add_error("date", "Choose a time that is still to come.")
        elif (starts_at, ends_at, data["location"]) == (
            self.meeting.starts_at,
            self.meeting.ends_at,
            self.meeting.location,
        ):
            raise forms.ValidationError("Nothing has changed: choose a new date, time or place.")
        data["starts_at"], data["ends_at"] = starts_at, ends_at
        return data


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Reason (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Goes in the cancellation email.",
    )
    #: Set by the second step: cancelling tells the whole set and cannot be undone, so it is asked twice.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)


class SetSlotForm(forms.Form):
    """Schedule one set at a slot the designer picks, e.g. where no slot suits everyone."""

    slot = forms.ChoiceField(label="Meets on")

    def __init__(self, *args: Any, options: list[SlotOption], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["slot"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(o.slot, _option_label(o)) for o in options]


def _option_label(option: SlotOption) -> str:
    if option.everyone_can_attend:
        return f"{option.label} — everyone can attend"
    return f"{option.label} — {len(option.cannot_attend)} cannot attend"

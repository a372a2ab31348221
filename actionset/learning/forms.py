"""Forms for the journal, proposing what a set shares, answering a question and tagging themes."""

from __future__ import annotations

from typing import Any

from django import forms

from actionset.meetings.models import Meeting
from actionset.programmes.models import Enrolment
from actionset.room.models import Action

from .models import PROMPTS, SharedItem, Theme

PROMPT_HELP = {
    "about_problem": "What do you see now about the problem you brought, or about the question behind it?",
    "my_actions": "What did you commit to, what happened when you tried, and what next?",
    "from_others": "What did working on someone else's problem show you about your own work?",
    "how_set_worked": "The questions, the listening, the time: what helped and what got in the way?",
    "about_myself": "How you asked, listened, reacted; what surprised you about yourself.",
}


class MeetingChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.learning_set.name}, meeting {obj.number} ({obj.starts_at:%d %b %Y})"


class ActionChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.text} ({obj.get_status_display().lower()})"


class MeetingNumberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"Meeting {obj.number} ({obj.starts_at:%d %b %Y})"


class ListedChoices(forms.models.ModelChoiceIterator):
    """A field's choices drawn from the objects the view has read already (in the queryset's order), so that rendering
    them asks the database nothing; what is submitted is still looked up in the field's queryset."""

    def __init__(self, field: forms.ModelChoiceField, listed: list[Any]) -> None:
        super().__init__(field)
        self.listed = listed

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.listed:
            yield self.choice(obj)

    def __len__(self) -> int:
        return len(self.listed) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self) -> bool:
        return self.field.empty_label is not None or bool(self.listed)


class MemberChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.person.name)


class JournalForm(forms.Form):
    title = forms.CharField(required=False, max_length=200, label="Title (optional)")

    def __init__(self, *args: Any, meetings: list[Meeting], actions: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in PROMPTS:
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=20_000,
                help_text=PROMPT_HELP[name],
                widget=forms.Textarea(attrs={"rows": 4}),
            )
        self.fields["notes"] = forms.CharField(
            label="Anything else", required=False, max_length=20_000, widget=forms.Textarea(attrs={"rows": 3})
        )
        self.fields["meeting"] = MeetingChoice(
            queryset=Meeting.objects.filter(pk__in=[m.pk for m in meetings]).select_related("learning_set"),
            required=False,
            empty_label="Not linked to a meeting",
            label="Meeting",
        )
        self.fields["actions"] = ActionChoice(
            queryset=Action.objects.filter(pk__in=[a.pk for a in actions]),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Your actions this entry is about",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        texts = [data.get(name, "") for name, _ in PROMPTS] + [data.get("notes", "")]
        if not any(t.strip() for t in texts if t):
            raise forms.ValidationError("Write something in at least one of the prompts.")
        return data

    def texts(self) -> dict[str, str]:
        return {k: self.cleaned_data.get(k) or "" for k in ("title", *(n for n, _ in PROMPTS), "notes")}


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(
        choices=SharedItem.Kind.choices, widget=forms.RadioSelect, label="What would the set share?"
    )
    text = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="In words that name nobody",
        help_text="Write it as it should read outside the set. Leave out names, and details that would identify "
        "someone.",
    )
    meeting = MeetingNumberChoice(
        queryset=Meeting.objects.none(), required=False, label="Raised at", empty_label="Between meetings"
    )
    presenter = MemberChoice(
        queryset=Enrolment.objects.none(),
        required=False,
        label="Whose airtime did it come from?",
        help_text="Under the “facilitator and presenter” rule, this person and the facilitator decide.",
        empty_label="Mine",
    )
    show_author = forms.BooleanField(
        required=False, label="Put my name to it outside the set (otherwise it is shared without a name)"
    )

    def __init__(self, *args: Any, meetings: list[Meeting], members: list[Enrolment], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        meeting_field = self.fields["meeting"]
        assert isinstance(meeting_field, forms.ModelChoiceField)
        # The iterator first: setting the queryset hands the widget its choices.
        meeting_field.iterator = lambda field: ListedChoices(field, sorted(meetings, key=lambda m: -m.number))  # type: ignore[assignment]
        meeting_field.queryset = Meeting.objects.filter(pk__in=[m.pk for m in meetings]).order_by("-number")
        presenter_field = self.fields["presenter"]
        assert isinstance(presenter_field, forms.ModelChoiceField)
        presenter_field.iterator = lambda field: ListedChoices(field, members)  # type: ignore[assignment]
        presenter_field.queryset = Enrolment.objects.filter(pk__in=[m.pk for m in members]).select_related("person")


class DecideForm(forms.Form):
    verdict = forms.ChoiceField(choices=[("approve", "Approve"), ("object", "Object"), ("withdraw", "Withdraw")])


class AttributionForm(forms.Form):
    show_author = forms.TypedChoiceField(coerce=lambda v: v == "yes", choices=[("yes", "Yes"), ("no", "No")])


class AnswerForm(forms.Form):
    text = forms.CharField(max_length=5000, widget=forms.Textarea(attrs={"rows": 3}), label="Your answer")


class TagForm(forms.Form):
    themes = forms.ModelMultipleChoiceField(
        queryset=Theme.objects.all(),
        to_field_name="public_id",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes",
    )
    new_theme = forms.CharField(required=False, max_length=100, label="Or a new theme")


ROOM_CHOICES = [("approve", "Approves"), ("object", "Objects"), ("none", "Not recorded")]


class RoomRow:
    """One member whose agreement an item needs, with what they have said online themself and what was recorded."""

    def __init__(self, enrolment: Enrolment, decision: Any) -> None:
        self.enrolment = enrolment
        self.own = decision if decision is not None and not decision.in_room else None
        self.recorded = decision if decision is not None and decision.in_room else None
        self.field_name = f"m-{enrolment.public_id}"

    @property
    def objected_online(self) -> bool:
        return self.own is not None and self.own.verdict == "object"


class RoomForm(forms.Form):
    """What each member said aloud in the room: one choice per member of the item's electorate but its author."""

    def __init__(self, *args: Any, rows: list[RoomRow], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[row.field_name] = forms.ChoiceField(
                choices=ROOM_CHOICES,
                widget=forms.RadioSelect,
                label=row.enrolment.person.name,
                initial=row.recorded.verdict if row.recorded else "none",
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for row in self.rows:
            if row.objected_online and cleaned.get(row.field_name) == "approve":
                self.add_error(
                    row.field_name,
                    f"{row.enrolment.person.name} objected online themself; only they can change that.",
                )
        return cleaned

    def decisions(self) -> dict[int, str]:
        return {row.enrolment.pk: self.cleaned_data[row.field_name] for row in self.rows}

    def bound_rows(self) -> list[tuple[RoomRow, forms.BoundField]]:
        return [(row, self[row.field_name]) for row in self.rows]


class EditItemForm(forms.Form):
    text = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="In words that name nobody",
        help_text="Write it as it should read outside the set. Leave out names, and details that would identify "
        "someone.",
    )

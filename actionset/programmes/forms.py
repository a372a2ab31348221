from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy

from actionset.organisations.models import Person
from actionset.programmes.blueprints import BLUEPRINTS
from actionset.programmes.models import EvaluationPoint, Programme, ProgrammeEvent, Venue
from actionset.programmes.slots import SLOTS


class NewProgrammeForm(forms.Form):
    title = forms.CharField(max_length=200, help_text="You can change it later.")
    blueprint = forms.ChoiceField(
        label="Start from",
        choices=[(b.key, b.label) for b in BLUEPRINTS.values()],
        widget=forms.RadioSelect,
        initial="six-monthly-half-days",
    )


#: The design form's field groups, in order, for the template's fieldsets: the one list of its fields.
PROGRAMME_SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("The programme", ("title", "aims", "sponsors")),
    ("Sponsor brief", ("brief_context", "brief_why", "brief_tried", "brief_success", "mandate")),
    (
        "Shape",
        (
            "method",
            "format",
            "set_size_min",
            "set_size_max",
            "number_of_meetings",
            "cadence_weeks",
            "meeting_minutes",
            "start_date",
            "venue",
            "location",
            "max_sets_per_facilitator",
        ),
    ),
)


class ProgrammeForm(forms.ModelForm[Programme]):
    sponsors = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People with the sponsor role in the organisation's directory.",
    )

    class Meta:
        model = Programme
        fields = [name for _, names in PROGRAMME_SECTIONS for name in names if name != "sponsors"]
        labels = {
            "set_size_min": "Smallest set",
            "set_size_max": "Largest set",
            "max_sets_per_facilitator": "Sets per facilitator, at most",
            "mandate": "What sets may do",
        }
        widgets = {
            "aims": forms.Textarea(attrs={"rows": 3}),
            "brief_context": forms.Textarea(attrs={"rows": 3}),
            "brief_why": forms.Textarea(attrs={"rows": 3}),
            "brief_tried": forms.Textarea(attrs={"rows": 3}),
            "brief_success": forms.Textarea(attrs={"rows": 3}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "mandate": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sponsors = self.fields["sponsors"]
        assert isinstance(sponsors, forms.ModelMultipleChoiceField)
        sponsors.queryset = Person.objects.filter(
            organisation=self.instance.organisation, roles__role="sponsor"
        ).order_by("name")
        sponsors.initial = list(self.instance.sponsors.all()) if self.instance.pk else []
        venue = self.fields["venue"]
        assert isinstance(venue, forms.ModelChoiceField)
        # The provider's venues and the client's own; never another client's premises.
        venue.queryset = Venue.objects.filter(
            Q(organisation__isnull=True) | Q(organisation=self.instance.organisation_id)
        ).order_by("name")
        venue.empty_label = gettext_lazy("None of the venues (online, or somewhere else)")

    def sections(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [(title, [self[name] for name in names]) for title, names in PROGRAMME_SECTIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        low, high = data.get("set_size_min"), data.get("set_size_max")
        if low and high and low > high:
            self.add_error("set_size_max", "The largest set cannot be smaller than the smallest.")
        return data


class EventForm(forms.ModelForm[ProgrammeEvent]):
    class Meta:
        model = ProgrammeEvent
        fields = ["kind", "title", "starts_at", "ends_at", "location"]
        labels = {"starts_at": "Starts", "ends_at": "Ends"}
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            "ends_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "The event must end after it starts.")
        return data


class EvaluationPlanForm(forms.Form):
    """A tick box for each instrument at each point of the programme."""

    def __init__(self, *args: Any, current: set[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The instruments in the evaluation library, and any the plan names that the library does not hold yet.
        self.instruments = EvaluationPoint.instrument_choices(also={instrument for instrument, _ in current})
        for instrument, _ in self.instruments:
            for timing, timing_label in EvaluationPoint.Timing.choices:
                self.fields[f"{instrument}__{timing}"] = forms.BooleanField(
                    required=False, label=timing_label, initial=(instrument, timing) in current
                )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        return [
            (label, [self[f"{instrument}__{timing}"] for timing, _ in EvaluationPoint.Timing.choices])
            for instrument, label in self.instruments
        ]

    def chosen(self) -> list[tuple[str, str]]:
        points = []
        for name, value in self.cleaned_data.items():
            if value:
                instrument, timing = name.rsplit("__", 1)
                points.append((instrument, timing))
        return points


class EnrolForm(forms.Form):
    people = forms.ModelMultipleChoiceField(queryset=Person.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = people
        field.error_messages["required"] = "Choose at least one person to enrol."


class EnrolmentForm(forms.Form):
    availability = forms.MultipleChoiceField(
        choices=SLOTS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked if the person can make any time.",
    )
    keep_apart = forms.ModelMultipleChoiceField(
        queryset=Person.objects.none(),
        required=False,
        label="Keep apart from",
        help_text="Confidential to programme designers. The person named is never told.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, people: Any, show_keep_apart: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if show_keep_apart:
            field = self.fields["keep_apart"]
            assert isinstance(field, forms.ModelMultipleChoiceField)
            field.queryset = people
        else:
            del self.fields["keep_apart"]


class PoolImportForm(forms.Form):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="CSV or Excel (.xlsx) with columns Email, Availability (e.g. “tue-am; thu-pm”) and, for designers, "
        "Keep apart (emails separated by semicolons).",
    )


class CloneForm(forms.Form):
    """The next cohort of a programme: its own title, and when its first meetings start."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    start_date = forms.DateField(
        label=gettext_lazy("First meetings from"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=gettext_lazy("The events are moved by as much as the first meetings move."),
    )


class VenueForm(forms.ModelForm[Venue]):
    class Meta:
        model = Venue
        fields = ["name", "address", "rooms", "organisation"]
        labels = {"organisation": gettext_lazy("Client's premises")}
        help_texts = {"organisation": gettext_lazy("Leave empty for a venue any programme may use.")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.empty_label = gettext_lazy("The provider's (any programme)")

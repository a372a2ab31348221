from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from actionset.accounts.models import User
from actionset.programmes.models import Enrolment, Programme
from actionset.sets.composer import SIZES_DIVERSE, SIZES_EVEN
from actionset.sets.models import MEETING_LINK_MAX_LENGTH, LearningSet, validate_meeting_link
from actionset.sets.services import MAX_SETS, MAX_TIME_LIMIT, facilitator_candidates


class ComposeForm(forms.Form):
    number_of_sets = forms.IntegerField(label="Number of sets", min_value=1, max_value=MAX_SETS)
    time_limit = forms.IntegerField(
        label="Search time (seconds)",
        min_value=1,
        max_value=MAX_TIME_LIMIT,
        initial=10,
        help_text="Longer searches find slightly more diverse sets.",
    )
    sizes = forms.ChoiceField(
        label=_("Set sizes"),
        choices=[
            (SIZES_DIVERSE, _("Most diverse: any sizes the programme allows")),
            (SIZES_EVEN, _("As even as possible: every set within one person of the others")),
        ],
        initial=SIZES_DIVERSE,
        required=False,  # a form without the choice composes as before: most diverse
        widget=forms.RadioSelect,
        help_text=_("Sets of uneven size hold more pairs of different people, so they can be more diverse."),
    )


class _ProgrammeForm(forms.Form):
    """Choices are scoped to the programme in the URL, so an id from elsewhere is simply not valid."""

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.programme = programme


class MoveForm(_ProgrammeForm):
    enrolment = forms.ModelChoiceField(queryset=Enrolment.objects.none(), to_field_name="public_id")
    learning_set = forms.ModelChoiceField(
        queryset=LearningSet.objects.none(), to_field_name="public_id", label="Move to"
    )

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["enrolment"].queryset = (  # type: ignore[attr-defined]
            Enrolment.objects.active().filter(programme=programme).select_related("person", "programme")
        )
        self.fields["learning_set"].queryset = programme.sets.select_related("programme")  # type: ignore[attr-defined]


class MemberLockForm(_ProgrammeForm):
    enrolment = forms.ModelChoiceField(queryset=Enrolment.objects.none(), to_field_name="public_id")
    locked = forms.BooleanField(required=False)

    def __init__(self, *args: Any, programme: Programme, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        self.fields["enrolment"].queryset = Enrolment.objects.active().filter(  # type: ignore[attr-defined]
            programme=programme, membership__isnull=False
        )


class LockForm(forms.Form):
    locked = forms.BooleanField(required=False)


class FacilitatorsForm(_ProgrammeForm):
    lead = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="public_id", required=False, label="Facilitator", empty_label="None"
    )
    co = forms.ModelChoiceField(
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        label="Co-facilitator (optional)",
        empty_label="None",
    )

    def __init__(self, *args: Any, programme: Programme, candidates: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, programme=programme, **kwargs)
        queryset = candidates if isinstance(candidates, QuerySet) else facilitator_candidates(programme)
        for name in ("lead", "co"):
            field = self.fields[name]
            field.queryset = queryset  # type: ignore[attr-defined]
            field.label_from_instance = lambda user: user.name or user.email  # type: ignore[attr-defined]
            if isinstance(candidates, list):
                # Candidates already read (the board shows a form per set): the choices come from them, so that
                # showing the form asks the database nothing; a submitted form still checks against the queryset.
                field.choices = [("", field.empty_label)] + [  # type: ignore[attr-defined]
                    (str(user.public_id), user.name or user.email) for user in candidates
                ]


class MeetingLinkForm(forms.Form):
    """The set's meeting link; left empty, the set has none (it meets in person)."""

    meeting_link = forms.CharField(
        label=_("Meeting link"),
        required=False,
        max_length=MEETING_LINK_MAX_LENGTH,
        strip=True,
        validators=[validate_meeting_link],
        help_text=_(
            "The https:// link people join your online meetings with. Leave it empty if the set meets in person."
        ),
        widget=forms.URLInput(attrs={"placeholder": "https://", "autocomplete": "off", "spellcheck": "false"}),
    )

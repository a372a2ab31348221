from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from actionset.accounts.models import User
from actionset.organisations.models import Person

from .models import RetentionKind
from .retention import BOUNDS, schedule


class RetentionForm(forms.Form):
    """One field per kind of data, bounded by what the law and good practice allow (`retention.BOUNDS`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = schedule()
        for kind in RetentionKind:
            bounds = BOUNDS[kind.value]
            self.fields[kind.value] = forms.IntegerField(
                label=kind.label,
                min_value=bounds.least,
                max_value=bounds.most,
                initial=current[kind.value],
                help_text=_("Months, from %(least)s to %(most)s.") % {"least": bounds.least, "most": bounds.most},
            )


class HoldForm(forms.Form):
    reason = forms.CharField(label=_("Why the data must be kept"), max_length=200)


class EraseForm(forms.Form):
    confirm = forms.CharField(
        label=_("Type ERASE to confirm"),
        max_length=10,
        help_text=_("This cannot be undone."),
    )

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"]
        if value.strip().upper() != "ERASE":
            raise forms.ValidationError(_("Type ERASE, in capitals, to confirm."))
        return value


class HandoverForm(forms.Form):
    """Whom a leaver's open work goes to: provider staff for a staff member's work; for a client's member, someone
    of their own organisation for their sponsorships."""

    successor = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label=_("Hand their work to"))
    successor_person = forms.ModelChoiceField(
        queryset=Person.objects.none(), required=False, label=_("Hand their sponsorships to")
    )

    def __init__(self, *args: Any, staff: Any, people: Any, has_open_work: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_open_work = has_open_work
        self.fields["successor"].queryset = staff  # type: ignore[attr-defined]
        self.fields["successor_person"].queryset = people  # type: ignore[attr-defined]
        if not staff.exists():
            del self.fields["successor"]
        if not people.exists():
            del self.fields["successor_person"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.has_open_work and not data.get("successor") and not data.get("successor_person"):
            raise forms.ValidationError(_("Name someone to hand their work to."))
        return data

from __future__ import annotations

from typing import Any

from django import forms

from actionset.evaluation.models import Instrument, Item

MAX_IMPORT_BYTES = 512 * 1024


class InstrumentImportForm(forms.Form):
    """The upload only: what the file says is checked by the import, field by field."""

    file = forms.FileField(
        label="Instrument definition (JSON)",
        help_text="One instrument per file, in the format described in the evaluation guide; at most 512 KB.",
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
        widget=forms.FileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The file is larger than 512 KB; an instrument definition is much smaller.")
        return upload


class ResponseForm(forms.Form):
    """One field per item: a radio group on the item's scale, or a text box."""

    def __init__(self, *args: Any, instrument: Instrument, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(instrument.items.select_related("scale"))
        for item in self.items:
            if item.kind == Item.Kind.RATING:
                assert item.scale is not None
                choices = [
                    (str(value), f"{value}" + (f" — {words}" if words else "")) for value, words in item.scale.points
                ]
                self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                    label=item.text,
                    choices=choices,
                    widget=forms.RadioSelect,
                    error_messages={"required": "Choose one point on the scale."},
                )
            else:
                self.fields[f"item_{item.pk}"] = forms.CharField(
                    label=item.text, required=False, widget=forms.Textarea(attrs={"rows": 3})
                )

    def answers(self) -> dict[int, Any]:
        return {item.pk: self.cleaned_data.get(f"item_{item.pk}") or None for item in self.items}

from __future__ import annotations

from typing import Any

from django import forms

from actionset.core import spreadsheets
from actionset.organisations.models import Organisation, OrganisationRole, Person, Provider, StaffRole


class OrganisationForm(forms.ModelForm[Organisation]):
    class Meta:
        model = Organisation
        fields = ["name", "sector", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}


class ProviderTwoFactorForm(forms.ModelForm[Provider]):
    """Read by the view and applied by `provider_two_factor_set`, which audits it: the form never saves itself."""

    class Meta:
        model = Provider
        fields = ["require_two_factor_for_staff"]


class OrganisationTwoFactorForm(forms.ModelForm[Organisation]):
    """Read by the view and applied by `organisation_two_factor_set`, which audits it: the form never saves itself."""

    class Meta:
        model = Organisation
        fields = ["require_two_factor_for_admins_and_sponsors"]


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["name", "email", "department", "level", "site", "line_manager"]

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        people = Person.objects.filter(organisation=organisation).order_by("name")
        if self.instance.pk:
            people = people.exclude(pk=self.instance.pk)
        field = self.fields["line_manager"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        field.empty_label = "No line manager"

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        clash = Person.objects.filter(organisation=self.organisation, email=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Someone in this directory already has that email address.")
        return email

    def clean_line_manager(self) -> Person | None:
        manager: Person | None = self.cleaned_data.get("line_manager")
        if manager is None or not self.instance.pk:
            return manager
        # Walk up from the proposed manager: meeting this person again would make a loop.
        seen: set[int] = set()
        current: Person | None = manager
        while current is not None and current.pk not in seen:
            if current.pk == self.instance.pk:
                raise forms.ValidationError(
                    f"{manager.name} reports (directly or indirectly) to {self.instance.name}, "
                    "so cannot be their manager."
                )
            seen.add(current.pk)
            current = current.line_manager
        return manager


class OrganisationRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=OrganisationRole.Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class StaffRolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        choices=StaffRole.Role.choices, widget=forms.CheckboxSelectMultiple, required=False
    )


class StaffInviteForm(StaffRolesForm):
    email = forms.EmailField()
    field_order = ["email", "roles"]

    def clean_roles(self) -> list[str]:
        roles: list[str] = self.cleaned_data["roles"]
        if not roles:
            raise forms.ValidationError("Choose at least one role.")
        return roles


class PeopleImportForm(forms.Form):
    """The upload only: what is in the file is checked by the import itself, row by row."""

    file = forms.FileField(
        label="Spreadsheet",
        help_text=(
            f"A CSV or Excel (.xlsx) file of up to {spreadsheets.MAX_BYTES // (1024 * 1024)} MB "
            f"and {spreadsheets.MAX_ROWS:,} people."
        ),
        error_messages={"required": "Choose a file to import.", "empty": "The file is empty."},
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx,text/csv," + spreadsheets.EXPORT_FORMATS["xlsx"]}),
    )

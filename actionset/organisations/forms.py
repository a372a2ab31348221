from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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


#: The `<datalist>` the line-manager box offers its suggestions from (organisations/person_form.html has it).
MANAGER_OPTIONS = "line-manager-options"


def manager_input(search_url: str) -> forms.TextInput:
    """A text box whose suggestions are fetched from the directory as one types.

    Without JavaScript it is a plain box for the manager's email address; with it, htmx asks
    `organisations:people_search` for the twenty best matches and the browser offers them, by keyboard too.
    """
    return forms.TextInput(
        attrs={
            "autocomplete": "off",
            "spellcheck": "false",
            "list": MANAGER_OPTIONS,
            "hx-get": search_url,
            "hx-trigger": "input changed delay:200ms",
            "hx-target": f"#{MANAGER_OPTIONS}",
            "hx-swap": "innerHTML",
            "hx-sync": "this:replace",
        }
    )


class PersonForm(forms.ModelForm[Person]):
    class Meta:
        model = Person
        fields = ["name", "email", "department", "level", "site", "line_manager"]

    def __init__(self, *args: Any, organisation: Organisation, search_url: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        # Named by address, not chosen from a list: a drop-down of a whole organisation's directory is thousands of
        # names long, and sent with every page.
        manager = self.instance.line_manager if self.instance.line_manager_id else None
        self.fields["line_manager"] = forms.CharField(
            label=gettext_lazy("Line manager"),
            required=False,
            initial=manager.email if manager else "",
            help_text=gettext_lazy("Their email address. Start typing a name to find them; leave empty for none."),
            widget=manager_input(search_url),
        )
        # The instance's own initial value is the manager's key, which means nothing in a text box.
        self.initial["line_manager"] = manager.email if manager else ""
        # The organisation's own attributes, a box each, after the built-in ones.
        held = self.instance.attributes or {}
        for index, name in enumerate(organisation.attribute_names):
            self.fields[f"attribute_{index}"] = forms.CharField(
                label=name, required=False, max_length=100, initial=held.get(name, "")
            )

    def attribute_values(self) -> dict[str, str]:
        """The organisation's own attributes as entered, blank ones left out."""
        values = {}
        for index, name in enumerate(self.organisation.attribute_names):
            value = " ".join(str(self.cleaned_data.get(f"attribute_{index}") or "").split())
            if value:
                values[name] = value
        return values

    def clean_email(self) -> str:
        email = str(self.cleaned_data["email"]).strip().lower()
        clash = Person.objects.filter(organisation=self.organisation, email=email)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Someone in this directory already has that email address.")
        return email

    def clean_line_manager(self) -> Person | None:
        named = str(self.cleaned_data.get("line_manager") or "").strip()
        if not named:
            return None
        manager = manager_named(self.organisation, named)
        if self.instance.pk and manager.pk == self.instance.pk:
            raise forms.ValidationError(_("A person cannot be their own line manager."))
        if not self.instance.pk:
            return manager
        # Walk up from the proposed manager: meeting this person again would make a loop.
        seen: set[int] = set()
        current: Person | None = manager
        while current is not None and current.pk not in seen:
            if current.pk == self.instance.pk:
                raise forms.ValidationError(
                    _("%(manager)s reports (directly or indirectly) to %(person)s, so cannot be their manager.")
                    % {"manager": manager.name, "person": self.instance.name}
                )
            seen.add(current.pk)
            current = current.line_manager
        return manager


def manager_named(organisation: Organisation, named: str) -> Person:
    """The person in `organisation`'s directory with this email address, or else this exact name if only one has it."""
    people = Person.objects.filter(organisation=organisation)
    found = people.filter(email=named.lower()).first()
    if found is not None:
        return found
    called = list(people.filter(name__iexact=named)[:2])
    if len(called) == 1:
        return called[0]
    if called:
        raise forms.ValidationError(
            _("More than one person is called %(name)s: give their email address.") % {"name": named}
        )
    raise forms.ValidationError(_("No one in this directory has the address or name “%(named)s”.") % {"named": named})


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


class AttributeNamesForm(forms.Form):
    names = forms.CharField(
        label=gettext_lazy("Attributes of your own"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "One per line, such as Profession, Years in post or Region: at most six. Each becomes a column of the "
            "directory's import and export and a box on each person's page, and composing sets mixes people by it. "
            "Taking one away removes everyone's values for it."
        ),
    )

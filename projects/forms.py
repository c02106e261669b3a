"""Forms of the projects app: the import upload, the catalogue filters, the coordinators' pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Institution, StrategicArea
from projects.catalogue import Reference
from projects.imports import STORED_NAME
from projects.models import (
    PLANNED_DATES,
    FundingCommitment,
    Indicator,
    Measurement,
    Milestone,
    ProjectStatus,
    TeamMember,
)
from projects.services.rules import check_funding_year

MAX_IMPORT_BYTES = 10 * 1024 * 1024


class ImportForm(forms.Form):
    """Upload a file to check it; send it back with ``confirm`` to write it."""

    file = forms.FileField(
        label=_("CSV or XLSX file"),
        required=False,
        help_text=_("One header row with the columns listed below; at most 10 MB."),
    )
    token = forms.CharField(widget=forms.HiddenInput, required=False)
    # The uploaded file's own name, shown on the import's page (never used as a path).
    name = forms.CharField(widget=forms.HiddenInput, required=False, max_length=255)
    confirm = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(
                _("The file must be a CSV (.csv) or Excel (.xlsx) spreadsheet."), code="format"
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 10 MB."), code="size")
        return upload

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token", "")
        # The token names a file this view stored: never a path of the caller's choosing.
        if token and not STORED_NAME.fullmatch(token):
            raise ValidationError(_("The checked file has expired; upload it again."))
        return token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("file") and not data.get("token") and not self.errors:
            raise ValidationError(_("Choose a file to import."), code="required")
        return data


class CachedSelect(forms.Select):
    """A ``<select>`` rendered once per language and version of the reference data.

    The options are rendered with none selected and kept in the catalogue's ``Reference``
    (``projects.catalogue``), keyed by the field's name and attributes; each page marks its
    selected option in that text. The same HTML as ``forms.Select`` writes.
    """

    store: dict[Any, str] | None = None

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        if self.store is None:
            return super().render(name, value, attrs, renderer)
        key = (name, tuple(sorted((attrs or {}).items())))
        html = self.store.get(key)
        if html is None:
            # A value no option has: the options come out unselected.
            html = self.store[key] = super().render(name, "\x00", attrs, renderer)
        chosen = "" if value is None else str(value)
        option = f'<option value="{escape(chosen)}">'
        return mark_safe(html.replace(option, option[:-1] + " selected>", 1))  # noqa: S308


class CatalogueFilterForm(forms.Form):
    """The public catalogue's search box and filters (every field optional).

    The choices of areas, axes and cities come from the catalogue's reference data
    (``projects.catalogue.reference``), read once per language and version; a chosen area,
    axis or city comes out as its id.
    """

    # The message ModelChoiceField gives, which these fields were.
    INVALID_CHOICE = forms.ModelChoiceField.default_error_messages["invalid_choice"]

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    area = forms.TypedChoiceField(
        label=_("Strategic area"), required=False, coerce=int, empty_value=None
    )
    axis = forms.TypedChoiceField(label=_("Axis"), required=False, coerce=int, empty_value=None)
    city = forms.TypedChoiceField(label=_("City"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *ProjectStatus.choices],
    )
    year = forms.IntegerField(label=_("Start year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, reference: Reference, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        empty = {"area": _("All areas"), "axis": _("All axes"), "city": _("Both cities")}
        choices = {"area": reference.areas, "axis": reference.axes, "city": reference.cities}
        for name in ("area", "axis", "city", "status"):
            field = self.fields[name]
            if name in choices:
                field.choices = [("", empty[name]), *choices[name]]  # type: ignore[attr-defined]
                field.error_messages["invalid_choice"] = self.INVALID_CHOICE
            field.widget = CachedSelect(choices=field.choices)  # type: ignore[attr-defined]
            field.widget.store = reference.rendered


class DateInput(forms.DateInput):
    input_type = "date"


class ProjectProposalForm(forms.Form):
    """A coordinator proposes a project led by their institution."""

    title = forms.CharField(label=_("Title"), max_length=255)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}))
    impact = forms.CharField(
        label=_("Social and urban impact"), widget=forms.Textarea(attrs={"rows": 4})
    )
    primary_area: forms.ModelChoiceField[StrategicArea] = forms.ModelChoiceField(
        label=_("Primary strategic area"), queryset=StrategicArea.objects.filter(active=True)
    )
    areas: forms.ModelMultipleChoiceField[StrategicArea] = forms.ModelMultipleChoiceField(
        label=_("Other strategic areas"),
        queryset=StrategicArea.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    axes: forms.ModelMultipleChoiceField[Axis] = forms.ModelMultipleChoiceField(
        label=_("Axes"),
        queryset=Axis.objects.filter(active=True),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = forms.DateField(label=_("Planned start"), widget=DateInput)
    end_date = forms.DateField(label=_("Planned end"), widget=DateInput)
    partners: forms.ModelMultipleChoiceField[Institution] = forms.ModelMultipleChoiceField(
        label=_("Partner institutions"),
        queryset=Institution.objects.filter(active=True).select_related("party"),
        widget=forms.CheckboxSelectMultiple,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        try:
            PLANNED_DATES.check(data.get("start_date"), data.get("end_date"))
        except ValidationError as error:
            self.add_error(None, error)  # by the end's field, as the service says it
        return data


KEEP_GENDER = "keep"


class TeamMemberForm(forms.ModelForm):
    class Meta:
        model = TeamMember
        fields = ("name", "email", "institution", "role", "gender")

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # A member belongs to one of the institutions that take part in the project.
        self.fields["institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            participations__project=project
        )
        if self.instance.pk:
            # Self-declared gender is only read in anonymous totals: editing a member never
            # shows it, and leaves it as declared unless a new answer is chosen.
            gender = self.fields["gender"]
            gender.choices = [  # type: ignore[attr-defined]
                (KEEP_GENDER, _("Leave as declared (not shown)")),
                *TeamMember.Gender.choices,
                ("", _("Not declared")),
            ]
            self.initial["gender"] = KEEP_GENDER

    def clean_gender(self) -> str:
        gender = self.cleaned_data.get("gender", "")
        # Only an edit offers "keep" (an added member's form refuses it as an unknown choice);
        # the instance still holds the stored answer until the form's values are applied.
        if gender == KEEP_GENDER and self.instance.pk:
            return str(self.instance.gender)
        return str(gender)


class ProjectStatusForm(forms.Form):
    """An official moves a project to another status, with a note for its timeline."""

    to_status = forms.ChoiceField(label=_("New status"), choices=ProjectStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the project's timeline and sent to its coordinators."),
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # Only the moves the lifecycle table allows this person from the current status.
            self.fields["to_status"].choices = [  # type: ignore[attr-defined]
                (status, ProjectStatus(status).label) for status in allowed
            ]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ("title", "due_date", "status", "completed_on", "evidence_url")
        widgets = {"due_date": DateInput, "completed_on": DateInput}


class MeasurementForm(forms.ModelForm):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())

    class Meta:
        model = Measurement
        fields = ("indicator", "date", "value")
        widgets = {"date": DateInput}

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(project=project)  # type: ignore[attr-defined]


class FundingForm(forms.ModelForm):
    """A funding commitment of a project: the model's rules, and a year of the project."""

    class Meta:
        model = FundingCommitment
        fields = ("funder_party", "funder_institution", "amount", "currency", "year", "kind")

    def __init__(self, *args: Any, project: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.project = project

    def clean_year(self) -> int | None:
        year = self.cleaned_data.get("year")
        # The service holds the rule for every caller; the form only shows it by the field.
        try:
            check_funding_year(self.project, year)
        except ValidationError as error:
            raise ValidationError(error.error_dict["year"]) from None
        return year

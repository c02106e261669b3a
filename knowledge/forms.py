"""Forms of the knowledge exchange: they validate what people send, and services save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Party, StrategicArea
from knowledge.models import (
    TRANSLATED_FIELDS,
    Audience,
    Licence,
    Practice,
    PracticeKind,
    PracticeQuerySet,
    PracticeStatus,
)
from projects.models import JointProject


class PracticeReviewForm(forms.Form):
    """An official publishes or returns a practice, or anybody sends it for review."""

    to_status = forms.ChoiceField(label=_("New status"), choices=PracticeStatus.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text=_("Kept in the practice's timeline; required to return it."),
    )

    def __init__(self, *args: Any, allowed: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed is not None:
            # Only the moves the review table allows this person from the current status.
            self.fields["to_status"].choices = [  # type: ignore[attr-defined]
                (status, PracticeStatus(status).label) for status in allowed
            ]


class LibraryFilterForm(forms.Form):
    """The public library's search box and filters (every field optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *PracticeKind.choices]
    )
    city: forms.ModelChoiceField[Party] = forms.ModelChoiceField(
        label=_("City of origin"),
        queryset=Party.objects.all(),
        required=False,
        empty_label=_("Both cities"),
    )
    area: forms.ModelChoiceField[StrategicArea] = forms.ModelChoiceField(
        label=_("Strategic area"),
        queryset=StrategicArea.objects.filter(active=True),
        required=False,
        empty_label=_("All areas"),
    )
    axis: forms.ModelChoiceField[Axis] = forms.ModelChoiceField(
        label=_("Axis"),
        queryset=Axis.objects.filter(active=True),
        required=False,
        empty_label=_("All axes"),
    )
    audience = forms.ChoiceField(
        label=_("Audience"),
        required=False,
        choices=[("", _("Every audience")), *Audience.choices],
    )
    licence = forms.ChoiceField(
        label=_("Licence"), required=False, choices=[("", _("Any licence")), *Licence.choices]
    )

    def filter(self, practices: PracticeQuerySet, language: str) -> PracticeQuerySet:
        """Return ``practices`` matching the filters (all of them if the form is invalid)."""
        if not self.is_valid():
            return practices
        data = self.cleaned_data
        if data["kind"]:
            practices = practices.filter(kind=data["kind"])
        if data["city"]:
            practices = practices.filter(origin=data["city"])
        if data["area"]:
            practices = practices.in_area(data["area"])
        if data["axis"]:
            practices = practices.filter(axes=data["axis"])
        if data["audience"]:
            practices = practices.filter(audiences__contains=[data["audience"]])
        if data["licence"]:
            practices = practices.filter(licence=data["licence"])
        if data["q"].strip():
            practices = practices.search(data["q"].strip(), language)
        return practices


_LANGUAGES = ("es", "ca", "en")
TEXT_COLUMNS = tuple(
    f"{field}_{language}" for field in TRANSLATED_FIELDS for language in _LANGUAGES
)


class PracticeForm(forms.ModelForm):
    """A coordinator proposes or keeps a practice of their institution (texts in es/ca/en)."""

    audiences = forms.MultipleChoiceField(
        label=_("Audiences"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Practice
        fields = (
            "kind",
            "licence",
            "primary_area",
            "areas",
            "axes",
            "audiences",
            "projects",
            *TEXT_COLUMNS,
        )
        widgets = {
            "areas": forms.CheckboxSelectMultiple,
            "axes": forms.CheckboxSelectMultiple,
            "projects": forms.CheckboxSelectMultiple,
            **{
                column: forms.Textarea(attrs={"rows": 4})
                for column in TEXT_COLUMNS
                if not column.startswith("title_")
            },
        }

    def __init__(self, *args: Any, institution_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["primary_area"].queryset = StrategicArea.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["areas"].queryset = StrategicArea.objects.filter(active=True)  # type: ignore[attr-defined]
        self.fields["axes"].queryset = Axis.objects.filter(active=True)  # type: ignore[attr-defined]
        # The projects a practice may name: its institution's own.
        self.fields["projects"].queryset = JointProject.objects.for_institution(  # type: ignore[attr-defined]
            institution_id
        ).order_by("code")
        self.fields["title_es"].required = True

    def texts(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(column) or "" for column in TEXT_COLUMNS}


class LinkForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    url = forms.URLField(label=_("Web address"), max_length=500, assume_scheme="https")
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=255)
    file = forms.FileField(label=_("PDF file"), help_text=_("A PDF document."))
    licence = forms.ChoiceField(label=_("Licence"), choices=Licence.choices)

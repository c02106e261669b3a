"""Forms of the knowledge exchange: they validate what people send, and services save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Party, StrategicArea
from knowledge.models import Audience, Licence, PracticeKind, PracticeQuerySet, PracticeStatus


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

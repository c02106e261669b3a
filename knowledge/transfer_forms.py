"""Forms of the coordinators' transfer pages: they validate what people send, services save it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from knowledge.models import Practice, Transfer, TransferStage

LANGUAGES = ("es", "ca", "en")
ADAPTATIONS = tuple(f"adaptations_{language}" for language in LANGUAGES)
LESSONS = tuple(f"lessons_{language}" for language in LANGUAGES)
CONTACTS = (
    "origin_contact_name",
    "origin_contact_email",
    "adopter_contact_name",
    "adopter_contact_email",
)
# A service's refusal names the model's field; the form shows it by the field people filled.
ERROR_FIELDS = {"institution": "practice", "lessons": "lessons_es", "ended_on": "on"}


class PracticeChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.title} ({obj.institution.name}, {obj.origin.name})"


class TransferForm(forms.ModelForm):
    """A coordinator records or keeps their institution's transfer of a practice."""

    class Meta:
        model = Transfer
        fields = ("started_on", *CONTACTS, *ADAPTATIONS, *LESSONS, "public")
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}),
            **{column: forms.Textarea(attrs={"rows": 3}) for column in (*ADAPTATIONS, *LESSONS)},
        }

    def __init__(self, *args: Any, new: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in CONTACTS:
            self.fields[name].required = True
        if new:
            # Lessons come with a stage; a new transfer is at its first.
            for column in LESSONS:
                del self.fields[column]

    def texts(self) -> dict[str, str]:
        return {
            column: self.cleaned_data.get(column) or ""
            for column in (*ADAPTATIONS, *LESSONS)
            if column in self.fields
        }


class NewTransferForm(TransferForm):
    """The practice a coordinator's institution takes up, and the transfer's first details."""

    practice = PracticeChoice(
        label=_("Practice"),
        queryset=Practice.objects.none(),
        help_text=_("A published practice of the other city."),
    )

    field_order = ("practice",)

    def __init__(self, *args: Any, origin_excluded: int, **kwargs: Any) -> None:
        super().__init__(*args, new=True, **kwargs)
        # The published practices of the other city: the service refuses any other anyway.
        self.fields["practice"].queryset = (  # type: ignore[attr-defined]
            Practice.objects.published()
            .exclude(origin_id=origin_excluded)
            .select_related("institution", "origin")
            .order_by("title")
        )


class TransferMoveForm(forms.Form):
    """The transfer's next stage (or discontinued, with its lessons), with a note."""

    to_stage = forms.ChoiceField(label=_("New stage"), choices=TransferStage.choices)
    on = forms.DateField(
        label=_("Ended on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("For an adoption or a discontinuation; empty: today."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the transfer's history."),
    )
    lessons_es = forms.CharField(
        label=_("Lessons learned (Spanish)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required to discontinue the transfer (in one language at least)."),
    )
    lessons_ca = forms.CharField(
        label=_("Lessons learned (Catalan)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    lessons_en = forms.CharField(
        label=_("Lessons learned (English)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, allowed: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Only the moves the stages' table allows from the current stage.
        self.fields["to_stage"].choices = [  # type: ignore[attr-defined]
            (stage, TransferStage(stage).label) for stage in allowed
        ]

    def lessons(self) -> dict[str, str]:
        return {
            c: self.cleaned_data[c] for c in LESSONS if (self.cleaned_data.get(c) or "").strip()
        }

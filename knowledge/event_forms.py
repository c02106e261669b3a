"""Forms of events: sign-up, the filter of the lists, the organisers' attendance and report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cooperation.models import Party, StrategicArea
from knowledge.models import EventKind, EventQuerySet, Registration
from knowledge.services.events import MAX_COUNT


class RegistrationForm(forms.Form):
    """Sign up for an event, choosing the language of its e-mails."""

    language = forms.ChoiceField(
        label=_("Language of the e-mails"), choices=settings.LANGUAGES, initial="es"
    )


class EventFilterForm(forms.Form):
    """The public lists' filters (every field optional)."""

    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Every kind")), *EventKind.choices]
    )
    city: forms.ModelChoiceField[Party] = forms.ModelChoiceField(
        label=_("City"), queryset=Party.objects.all(), required=False, empty_label=_("Both cities")
    )
    area: forms.ModelChoiceField[StrategicArea] = forms.ModelChoiceField(
        label=_("Strategic area"),
        queryset=StrategicArea.objects.filter(active=True),
        required=False,
        empty_label=_("All areas"),
    )

    def filter(self, events: EventQuerySet) -> EventQuerySet:
        """Return ``events`` matching the filters (all of them if the form is invalid)."""
        if not self.is_valid():
            return events
        data = self.cleaned_data
        if data["kind"]:
            events = events.filter(kind=data["kind"])
        if data["city"]:
            events = events.filter(city=data["city"])
        if data["area"]:
            events = events.in_area(data["area"].pk)
        return events


class AttendanceForm(forms.Form):
    """After an event: who of the registrants came, how many attended in all, a short report."""

    attended: forms.ModelMultipleChoiceField[Registration] = forms.ModelMultipleChoiceField(
        label=_("Registrants who attended"),
        queryset=Registration.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    attendance = forms.IntegerField(
        label=_("Attendance in all"),
        min_value=0,
        max_value=MAX_COUNT,
        required=False,
        help_text=_("Registered or not, online viewers too. Empty: the registrants who came."),
    )
    report_es = forms.CharField(
        label=_("Report (Spanish)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    report_ca = forms.CharField(
        label=_("Report (Catalan)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    report_en = forms.CharField(
        label=_("Report (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, registrations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["attended"]
        field.queryset = registrations  # type: ignore[attr-defined]
        field.label_from_instance = lambda r: r.person.get_full_name() or r.person.email  # type: ignore[attr-defined]

    def report(self) -> dict[str, str]:
        return {
            f"report_{code}": self.cleaned_data[f"report_{code}"] for code in ("es", "ca", "en")
        }

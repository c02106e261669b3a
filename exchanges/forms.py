"""Forms of the stays pages. They validate input; the services make the changes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.models import Institution
from exchanges.models import (
    Call,
    Criterion,
    DocumentKind,
    ResearcherProfile,
    Stay,
    StayApplication,
)
from exchanges.services.common import date_problems
from exchanges.services.researchers import sensitive_data_problems
from exchanges.validators import normalize_orcid, validate_orcid
from projects.models import JointProject


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class ProfileForm(forms.ModelForm):
    autofocus_first_field = True  # a page for this form alone (cooperation.forms)
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    orcid = forms.CharField(
        label=_("ORCID iD"),
        max_length=60,
        required=False,
        validators=[validate_orcid],
        help_text=_("For example 0000-0002-1825-0097."),
    )
    sensitive_consent = forms.BooleanField(
        label=_(
            "I consent to the portal keeping my gender and accessibility needs, used only for "
            "anonymous statistics and, for accessibility, by the host preparing my stay."
        ),
        required=False,
    )

    class Meta:
        model = ResearcherProfile
        fields = ["home_institution", "career_stage", "orcid", "gender", "accessibility_needs"]
        widgets = {"accessibility_needs": forms.Textarea(attrs={"rows": 3})}

    field_order = ["first_name", "last_name"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].initial = user.first_name
        self.fields["last_name"].initial = user.last_name
        self.fields["home_institution"].queryset = Institution.objects.filter(  # type: ignore[attr-defined]
            active=True
        ).select_related("party")
        if self.instance.pk:
            self.fields["sensitive_consent"].initial = bool(self.instance.sensitive_consent_at)

    def clean_orcid(self) -> str:
        return normalize_orcid(self.cleaned_data["orcid"]) if self.cleaned_data["orcid"] else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # The service's rule, shown by the consent's box.
        for problem in sensitive_data_problems(
            gender=data.get("gender", ""),
            accessibility_needs=data.get("accessibility_needs", ""),
            sensitive_consent=bool(data.get("sensitive_consent")),
        ):
            self.add_error("sensitive_consent", problem)
        return data


class HostStepForm(forms.Form):
    autofocus_first_field = True  # a page for this form alone (cooperation.forms)
    host: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=Institution.objects.none(),
        label=_("Host institution"),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = call.hosts.all()  # type: ignore[attr-defined]


class DatesStepForm(forms.Form):
    autofocus_first_field = True  # a page for this form alone (cooperation.forms)
    start_date = forms.DateField(label=_("Planned start"), widget=DateInput())
    end_date = forms.DateField(label=_("Planned end"), widget=DateInput())

    def __init__(self, *args: Any, call: Call, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.call = call

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start_date") and data.get("end_date"):
            for problem in date_problems(self.call, data["start_date"], data["end_date"]):
                self.add_error(None, problem)
        return data


class ProjectStepForm(forms.ModelForm):
    autofocus_first_field = True  # a page for this form alone (cooperation.forms)

    class Meta:
        model = StayApplication
        fields = ["title", "work_plan", "impact_statement", "joint_project"]
        widgets = {
            "work_plan": forms.Textarea(attrs={"rows": 8}),
            "impact_statement": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "impact_statement": _(
                "How the stay serves the social and urban needs of the two cities: the MoU "
                "asks stays to prioritise it."
            )
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.required = True
        # The link to a joint project is optional, and only to projects the stay may join.
        link = self.fields["joint_project"]
        link.required = False
        link.queryset = JointProject.objects.linkable_for(  # type: ignore[attr-defined]
            researcher=self.instance.researcher, host_id=self.instance.host_id
        )
        link.empty_label = _("None")  # type: ignore[attr-defined]


class DocumentsStepForm(forms.Form):
    autofocus_first_field = True  # a page for this form alone (cooperation.forms)

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in kinds:
            self.fields[kind] = forms.FileField(
                label=DocumentKind(kind).label,
                required=False,
                help_text=_("PDF only."),
                widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
            )


class SubmitStepForm(forms.Form):
    autofocus_first_field = True  # a page for this form alone (cooperation.forms)
    consent = forms.BooleanField(
        label=_(
            "I consent to the processing of the personal data in this application by the "
            "programme offices of Mexico City and Barcelona, the host institution and the "
            "reviewers, for deciding on and following the stay."
        ),
        required=True,
        error_messages={
            "required": _("You must consent to the processing of your data to submit.")
        },
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class HostAcceptForm(forms.Form):
    supervisor_name = forms.CharField(label=_("Supervisor"), max_length=200)
    supervisor_email = forms.EmailField(label=_("Supervisor's e-mail"))
    confirmed_start = forms.DateField(label=_("Confirmed start"), widget=DateInput())
    confirmed_end = forms.DateField(label=_("Confirmed end"), widget=DateInput())


class HostDeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ConflictForm(forms.Form):
    # The signed record of what the page showed (services.conflict_disclosure_token).
    shown = forms.CharField(widget=forms.HiddenInput, required=False)
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this applicant or project?"),
        choices=[("no", _("No")), ("yes", _("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    explanation = forms.CharField(
        label=_("Explanation (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, criteria: list[Criterion], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = {
            f"criterion_{c.pk}": forms.IntegerField(
                label=_("%(name)s (weight %(weight)s%%)") % {"name": c.name, "weight": c.weight},
                min_value=0,
                max_value=10,
                help_text=_("From 0 to 10."),
            )
            for c in criteria
        }
        self.fields = {**scores, **self.fields}

    def scores(self) -> dict[int, int]:
        return {c.pk: self.cleaned_data[f"criterion_{c.pk}"] for c in self.criteria}


class StayForm(forms.ModelForm):
    class Meta:
        model = Stay
        fields = ["arrived_on", "departed_on", "insurance", "visa_status"]
        widgets = {"arrived_on": DateInput(), "departed_on": DateInput()}


class FinalReportForm(forms.Form):
    text = forms.CharField(
        label=_("Results and impact of the stay"), widget=forms.Textarea(attrs={"rows": 8})
    )
    file = forms.FileField(
        label=_("Final report (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

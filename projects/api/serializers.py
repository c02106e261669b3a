"""The partner API's representations of projects and their parts, and what it accepts."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, QuerySet
from django.utils.translation import gettext, gettext_lazy
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cooperation.api.serializers import TranslatedField
from cooperation.models import Axis, Institution, Party, StrategicArea
from projects.models import (
    PLANNED_DATES,
    FundingCommitment,
    Indicator,
    JointProject,
    Measurement,
    Milestone,
    Participation,
    ProjectStatus,
)
from projects.services.rules import check_funding_year

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ParticipationSerializer(serializers.ModelSerializer):
    institution = serializers.CharField(source="institution.code")
    city = serializers.CharField(source="institution.party.code")

    class Meta:
        model = Participation
        fields = ["institution", "city", "role"]


class FundingSerializer(serializers.ModelSerializer):
    funder = serializers.SerializerMethodField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, coerce_to_string=True)

    class Meta:
        model = FundingCommitment
        fields = ["funder", "amount", "currency", "year", "kind"]

    def get_funder(self, obj: FundingCommitment) -> str:
        return obj.funder_institution.code if obj.funder_institution_id else obj.funder_party.code  # type: ignore[union-attr]


class VisibleProjectField(serializers.SlugRelatedField):
    """A project named by its code, among those the caller may read: another's private project
    is answered as one that does not exist (a 403 would tell that it has this code)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(slug_field="code", **kwargs)

    def get_queryset(self) -> QuerySet[JointProject]:
        request = self.context.get("request")
        if request is None:
            return JointProject.objects.none()
        return JointProject.objects.visible_to(request.user)


class VisibleIndicatorField(serializers.PrimaryKeyRelatedField):
    """An indicator named by its id, among those of the projects the caller may read."""

    def get_queryset(self) -> QuerySet[Indicator]:
        request = self.context.get("request")
        if request is None:
            return Indicator.objects.none()
        return Indicator.objects.filter(project__in=JointProject.objects.visible_to(request.user))


def api_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    """Return a Django refusal as the API's errors: by field, and those of the whole record
    under ``non_field_errors``, as DRF names them."""
    if not hasattr(error, "error_dict"):
        return {"non_field_errors": list(error.messages)}
    errors = dict(error.message_dict)
    if NON_FIELD_ERRORS in errors:
        errors["non_field_errors"] = errors.pop(NON_FIELD_ERRORS)
    return errors


def model_rule_errors(part: Model, *, fields: Iterable[str]) -> dict[str, list[str]]:
    """Return what the part's model refuses in ``fields``: its fields' validators, its
    ``clean`` and its constraints, the rules a portal form of the part shows by field."""
    names = set(fields)
    try:
        part.full_clean(exclude=[f.name for f in part._meta.fields if f.name not in names])
    except DjangoValidationError as error:
        return api_errors(error)
    return {}


class PartSerializer(serializers.ModelSerializer):
    """A part of a project written through its service: the request's values over the stored
    ones (a partial update keeps the others) or the model's defaults (a new part), checked
    against the part's model, and handed to the service by name (``service_fields``)."""

    moved: StrOrPromise = ""  # the refusal of a part sent to another project

    def service_fields(self) -> list[str]:
        """Return the fields the part's service takes by name (the writable ones but its
        project)."""
        return [
            name for name, field in self.fields.items() if not field.read_only and name != "project"
        ]

    def part_values(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Return the part's values as the service will write them, by the service's names."""
        current = self.instance if self.instance is not None else self.Meta.model()
        return {name: attrs.get(name, getattr(current, name)) for name in self.service_fields()}

    def part_project(self, attrs: dict[str, Any]) -> JointProject:
        """Return the project the part belongs to; a stored part stays in its project."""
        project: JointProject = attrs.get("project") or self.instance.project
        if self.instance is not None and project.pk != self.instance.project_id:
            raise serializers.ValidationError({"project": [str(self.moved)]})
        return project


class MilestoneSerializer(PartSerializer):
    project = VisibleProjectField()
    late = serializers.BooleanField(source="is_late", read_only=True)
    moved = gettext_lazy("A milestone cannot move to another project.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        project = self.part_project(attrs)
        values = self.part_values(attrs)
        errors = model_rule_errors(Milestone(project=project, **values), fields=values)
        if errors:
            raise serializers.ValidationError(errors)
        return {"project": project, **values}

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "due_date",
            "status",
            "completed_on",
            "evidence_url",
            "late",
        ]
        read_only_fields = ["id", "late"]


class MeasurementSerializer(serializers.ModelSerializer):
    indicator = VisibleIndicatorField()

    class Meta:
        model = Measurement
        fields = ["id", "indicator", "date", "value"]
        read_only_fields = ["id"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        errors = model_rule_errors(Measurement(**attrs), fields=attrs)
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class IndicatorSerializer(serializers.ModelSerializer):
    measurements = MeasurementSerializer(many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "name", "unit", "baseline", "target", "measurements"]


class ProjectListSerializer(serializers.ModelSerializer):
    """A project in a list, and the first part of a project's detail.

    A list does not run it row by row: each row is the project's ``ProjectListing``, the same
    representation written by PostgreSQL, sent untouched (``ProjectViewSet.list``). A test holds
    the two identical. Reads areas, axes and participations as ``PROJECT_PARTS`` prefetches.
    """

    title = TranslatedField("title")
    primary_area = serializers.CharField(source="primary_area.code")
    areas = serializers.SerializerMethodField()
    axes = serializers.SerializerMethodField()
    institutions = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_areas(self, obj: JointProject) -> list[str]:
        return [area.code for area in obj.areas.all()]

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_axes(self, obj: JointProject) -> list[str]:
        return [axis.code for axis in obj.axes.all()]

    @extend_schema_field(ParticipationSerializer(many=True))
    def get_institutions(self, obj: JointProject) -> list[dict[str, str]]:
        return [
            {
                "institution": part.institution.code,
                "city": part.institution.party.code,
                "role": part.role,
            }
            for part in obj.participations.all()
        ]

    class Meta:
        model = JointProject
        fields = [
            "code",
            "title",
            "status",
            "primary_area",
            "areas",
            "axes",
            "start_date",
            "end_date",
            "public",
            "institutions",
            "updated_at",
        ]


class ProjectSerializer(ProjectListSerializer):
    summary = TranslatedField("summary")
    impact = TranslatedField("impact")
    funding = FundingSerializer(many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta(ProjectListSerializer.Meta):
        fields = [
            *ProjectListSerializer.Meta.fields,
            "summary",
            "impact",
            "funding",
            "milestones",
            "indicators",
        ]


class TextsSerializer(serializers.Serializer):
    es = serializers.CharField(max_length=255)
    ca = serializers.CharField(max_length=255, required=False, allow_blank=True)
    en = serializers.CharField(max_length=255, required=False, allow_blank=True)


class LongTextsSerializer(serializers.Serializer):
    es = serializers.CharField(max_length=10_000, allow_blank=True)
    ca = serializers.CharField(max_length=10_000, required=False, allow_blank=True)
    en = serializers.CharField(max_length=10_000, required=False, allow_blank=True)


class ProjectProposalSerializer(serializers.Serializer):
    """A new project, proposed by the client's institution as its lead."""

    title = TextsSerializer()
    summary = LongTextsSerializer()
    impact = LongTextsSerializer()
    primary_area = serializers.SlugRelatedField(
        slug_field="code", queryset=StrategicArea.objects.filter(active=True)
    )
    areas = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=StrategicArea.objects.filter(active=True),
        required=False,
    )
    axes = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=Axis.objects.filter(active=True), required=False
    )
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    partners = serializers.SlugRelatedField(
        slug_field="code",
        many=True,
        queryset=Institution.objects.filter(active=True),
        required=False,
    )

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        # The rule of the planned dates, as the service holds it, by the end's field.
        try:
            PLANNED_DATES.check(data["start_date"], data["end_date"])
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        return data


class TransitionSerializer(serializers.Serializer):
    to_status = serializers.ChoiceField(choices=ProjectStatus.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ParticipationResourceSerializer(serializers.ModelSerializer):
    """An institution taking part in a project. Through the API it joins as a partner."""

    project = VisibleProjectField()
    institution = serializers.SlugRelatedField(
        slug_field="code", queryset=Institution.objects.all()
    )
    city = serializers.CharField(source="institution.party.code", read_only=True)
    role = serializers.ChoiceField(
        choices=Participation.Role.choices, default=Participation.Role.PARTNER
    )

    class Meta:
        model = Participation
        fields = ["id", "project", "institution", "city", "role"]
        read_only_fields = ["id", "city"]
        validators: list[Any] = []  # the service checks the unique constraint, under its lock

    def validate_role(self, value: str) -> str:
        if value != Participation.Role.PARTNER:
            raise serializers.ValidationError(
                gettext(
                    "Through the API an institution joins a project as a partner; the lead is "
                    "the institution that proposed it."
                )
            )
        return value


@extend_schema_field(
    {"type": "string", "format": "decimal", "pattern": r"^[0-9]{1,12}(\.[0-9]{1,2})?$"}
)
class AmountField(serializers.DecimalField):
    """A positive amount as a decimal string; the schema says so (DRF's default pattern would
    allow an empty string and a minus sign)."""


class FundingCommitmentSerializer(PartSerializer):
    """Money or in-kind support promised to a project by one funder: a city or an institution."""

    project = VisibleProjectField()
    funder_institution = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Institution.objects.all(),
        required=False,
        allow_null=True,
        help_text="The funding institution's code; give it or funder_party, not both.",
    )
    funder_party = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Party.objects.all(),
        required=False,
        allow_null=True,
        help_text="The funding city's code (CDMX or BCN); give it or funder_institution.",
    )
    amount = AmountField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=True,
        min_value=Decimal("0.01"),
        help_text='Greater than zero, as a decimal string ("2500.50").',
    )

    class Meta:
        model = FundingCommitment
        fields = [
            "id",
            "project",
            "funder_institution",
            "funder_party",
            "amount",
            "currency",
            "year",
            "kind",
        ]
        read_only_fields = ["id"]
        extra_kwargs = {"year": {"help_text": "A year of the project, from its start to its end."}}

    moved = gettext_lazy("A commitment cannot move to another project.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        project = self.part_project(attrs)
        values = self.part_values(attrs)
        # A year of the project (the service's rule, shown by its field, as the portal's form
        # shows it); the model's rules for the other fields, the one funder among them.
        errors: dict[str, list[str]] = {}
        try:
            check_funding_year(project, values["year"])
        except DjangoValidationError as error:
            errors = api_errors(error)
        checked = [name for name in values if name not in errors]
        errors |= model_rule_errors(FundingCommitment(project=project, **values), fields=checked)
        if errors:
            raise serializers.ValidationError(errors)
        return {"project": project, **values}

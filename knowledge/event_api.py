"""Events in the partner API, read only: ``/api/v1/events/``.

Partner systems read the events the public sees (published, and cancelled ones, by status),
and officials' clients drafts too (``EventQuerySet.visible_to``). Registrations never leave
through the API: only the number of places left.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from rest_framework import mixins, serializers, viewsets

from cooperation.api.conditional import ConditionalMixin
from cooperation.api.filters import RequestedFilterSet
from cooperation.api.serializers import TranslatedField
from knowledge.models import Event, EventKind, EventMode, EventStatus


class EventSerializer(serializers.ModelSerializer):
    title = TranslatedField("title")
    description = TranslatedField("description")
    report = TranslatedField("report")
    city = serializers.CharField(source="city.code", read_only=True)
    institution = serializers.CharField(source="institution.code", read_only=True)
    areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    places_left = serializers.IntegerField(read_only=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "kind",
            "mode",
            "status",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "venue",
            "online_url",
            "city",
            "institution",
            "areas",
            "places",
            "places_left",
            "registration_closes_at",
            "attendance",
            "report",
            "published_at",
            "updated_at",
        ]
        read_only_fields = fields


class EventFilter(RequestedFilterSet):
    kind = django_filters.ChoiceFilter(choices=EventKind.choices)
    mode = django_filters.ChoiceFilter(choices=EventMode.choices)
    status = django_filters.ChoiceFilter(choices=EventStatus.choices)
    city = django_filters.CharFilter(field_name="city__code")
    area = django_filters.CharFilter(field_name="areas__code", help_text="A strategic area's code.")

    class Meta:
        model = Event
        fields = ["kind", "mode", "status", "city", "area"]


class EventViewSet(
    ConditionalMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The programme's events (seminars, workshops, conferences, visits), with places left."""

    serializer_class = EventSerializer
    read_scope = "read"
    write_scope = None
    filterset_class = EventFilter
    ordering_fields = ["id", "starts_at", "updated_at"]
    ordering = ["id"]
    lookup_value_regex = "[0-9]{1,18}"
    queryset = Event.objects.none()

    def get_queryset(self) -> QuerySet[Event]:
        return Event.objects.visible_to(self.request.user).for_listing()

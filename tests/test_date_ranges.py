"""An end before its start: one rule per pair of dates, the same message on every path."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from rest_framework import serializers

from cooperation.validators import DateRange
from exchanges.models import CALL_PERIOD, STAY_DATES, STAY_RECORD, STAY_WINDOW
from projects.api.serializers import ProjectProposalSerializer
from projects.forms import ProjectProposalForm
from projects.models import PLANNED_DATES, JointProject
from projects.services import rules
from tests.projects.factories import ProjectFactory

DAY = datetime.date(2026, 5, 1)
NEXT = DAY + datetime.timedelta(days=1)
BEFORE = DAY - datetime.timedelta(days=1)
MESSAGE = "The planned end cannot be before the planned start."


def test_the_same_day_is_in_order_only_where_the_rule_says_so():
    inclusive = DateRange("start", "end", "m")
    strict = DateRange("start", "end", "m", same_day=False)
    assert inclusive.ordered(DAY, DAY) and inclusive.ordered(DAY, NEXT)
    assert not inclusive.ordered(DAY, BEFORE)
    assert not strict.ordered(DAY, DAY) and strict.ordered(DAY, NEXT)
    # A missing date is its field's business, not the order's.
    assert inclusive.ordered(None, BEFORE) and strict.ordered(DAY, None)


def test_check_refuses_by_the_end_field_with_the_rules_code():
    with pytest.raises(ValidationError) as refused:
        DateRange("opens", "closes", "Closes too early.", code="early").check(DAY, BEFORE)
    assert refused.value.message_dict == {"closes": ["Closes too early."]}
    assert refused.value.error_dict["closes"][0].code == "early"
    DateRange("opens", "closes", "m").check(DAY, None)  # nothing to refuse


def test_the_stays_rules_are_strict_and_the_projects_allows_one_day():
    assert PLANNED_DATES.ordered(DAY, DAY)
    for strict in (CALL_PERIOD, STAY_WINDOW, STAY_DATES, STAY_RECORD):
        assert not strict.ordered(DAY, DAY)


@pytest.mark.django_db
def test_every_path_of_a_project_gives_the_one_message_by_the_end_date():
    with translation.override("en"):
        with pytest.raises(ValidationError) as service:
            rules.check_dates(DAY, BEFORE)
        assert service.value.message_dict == {"end_date": [MESSAGE]}

        project = ProjectFactory.build(start_date=DAY, end_date=BEFORE, code="CDMX-BCN-2026-0001")
        with pytest.raises(ValidationError) as model:
            project.full_clean(exclude=["primary_area"])
        assert model.value.message_dict["end_date"] == [MESSAGE]

        form = ProjectProposalForm({"start_date": DAY, "end_date": BEFORE})
        form.is_valid()
        assert form.errors["end_date"] == [MESSAGE]

        serializer = ProjectProposalSerializer()
        with pytest.raises(serializers.ValidationError) as api:
            serializer.validate({"start_date": DAY, "end_date": BEFORE})
        assert api.value.detail == {"end_date": [MESSAGE]}


@pytest.mark.django_db
def test_the_table_holds_the_rule_of_the_projects_dates_too():
    project = ProjectFactory(start_date=DAY, end_date=NEXT)
    with pytest.raises(IntegrityError), transaction.atomic():
        JointProject.objects.filter(pk=project.pk).update(end_date=BEFORE)

"""Host reminders' bad paths: the setting's values out of range (the admin and the service),
and no reminder for an application already answered, withdrawn or cancelled."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperation.outbox.models import OutgoingEmail
from exchanges import services
from exchanges.models import HostReminder, HostReminderPolicy
from tests.exchanges.conftest import accept, waiting

pytestmark = pytest.mark.django_db


def _reminders() -> int:
    return OutgoingEmail.objects.filter(template="exchanges/email/host_reminder").count()


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ("0", "greater than or equal to 1"),
        ("-3", "greater than or equal to"),
        ("366", "less than or equal to 365"),
        ("99999999999", "less than or equal to"),
        ("seven", "Enter a whole number"),
        ("", "This field is required"),
        ("2.5", "Enter a whole number"),
    ],
)
def test_the_admin_refuses_days_out_of_range_and_keeps_the_setting(official_bcn, login, days, text):
    services.host_reminder_policy_update(actor=official_bcn, days=10, active=True)
    client = login(official_bcn, language="en")
    change = client.get("/admin/exchanges/hostreminderpolicy/")["Location"]
    response = client.post(change, {"days": days, "active": "on"})
    assert response.status_code == 200
    assert text in " ".join(response.context["adminform"].form.errors["days"])
    assert HostReminderPolicy.current().days == 10


@pytest.mark.parametrize("days", [0, -1, 366, 10**12, "seven", None, 2.5, True])
def test_the_service_refuses_days_out_of_range_with_its_reason(official_bcn, days):
    services.host_reminder_policy_update(actor=official_bcn, days=10, active=True)
    with pytest.raises(ValidationError) as refused:
        services.host_reminder_policy_update(actor=official_bcn, days=days, active=False)
    assert "days" in refused.value.message_dict
    policy = HostReminderPolicy.current()
    assert (policy.days, policy.active) == (10, True)


def test_no_reminder_for_a_withdrawn_application(
    new_researcher, call, institution_bcn, official_cdmx
):
    services.host_reminder_policy_update(actor=official_cdmx, days=5, active=True)
    application = waiting(new_researcher, call, institution_bcn, days=9, email="a@example.org")
    services.application_withdraw(actor=application.researcher, application_id=application.pk)
    assert services.host_reminders_send() == 0
    # Even asked directly (listed as waiting by a beat just before the withdrawal).
    assert not services.host_remind(application_id=application.pk, number=1, now=timezone.now())
    assert not HostReminder.objects.exists()
    assert _reminders() == 0


def test_no_reminder_for_an_answered_application_asked_directly(
    new_researcher, call, institution_bcn, coordinator, official_cdmx
):
    services.host_reminder_policy_update(actor=official_cdmx, days=5, active=True)
    application = waiting(new_researcher, call, institution_bcn, days=9, email="a@example.org")
    accept(application, coordinator)
    assert not services.host_remind(application_id=application.pk, number=1, now=timezone.now())
    assert not HostReminder.objects.exists()
    assert _reminders() == 0

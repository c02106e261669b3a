"""Question 6: applications waiting for the host's answer, oldest first, and the reminders
that officials set, sent once each in the host's language."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connections
from django.utils import timezone

from cooperation.outbox.models import OutgoingEmail
from exchanges import services
from exchanges.models import HostReminder, HostReminderPolicy
from exchanges.tasks import remind_hosts
from tests.exchanges.conftest import accept, waiting

pytestmark = pytest.mark.django_db


def _reminders(to) -> list[OutgoingEmail]:
    return list(
        OutgoingEmail.objects.filter(template="exchanges/email/host_reminder", recipient=to)
    )


# --- The list -----------------------------------------------------------------------------


def test_officials_see_the_waiting_applications_oldest_first_with_days_waiting(
    new_researcher,
    call,
    institution_bcn,
    coordinator,
    official_cdmx,
    login,
    django_assert_num_queries,
):
    recent = waiting(new_researcher, call, institution_bcn, days=2, email="a@example.org")
    oldest = waiting(new_researcher, call, institution_bcn, days=12, email="b@example.org")
    answered = waiting(new_researcher, call, institution_bcn, days=20, email="c@example.org")
    accept(answered, coordinator)
    client = login(official_cdmx)
    response = client.get("/admin/exchanges/waitingapplication/")
    assert response.status_code == 200
    rows = list(response.context["cl"].result_list)
    assert rows == [oldest, recent]  # the answered one has left the list
    body = response.content.decode()
    assert body.index(f"#{oldest.pk}") < body.index(f"#{recent.pk}")
    assert '<td class="field-days_waiting">12</td>' in body
    assert '<td class="field-days_waiting">2</td>' in body
    # The drill-down: each row opens the application's own page.
    assert f'href="/admin/exchanges/stayapplication/{oldest.pk}/change/"' in body


def test_the_waiting_list_costs_the_same_queries_as_it_grows(
    new_researcher, call, institution_bcn, official_cdmx, login, django_assert_num_queries
):
    client = login(official_cdmx)
    waiting(new_researcher, call, institution_bcn, days=3, email="a@example.org")
    client.get("/admin/exchanges/waitingapplication/")  # warm the session and the caches
    # 11: the session, the user and its roles, the admin's permissions, the count, the page
    # (one statement: applications, researcher, call, host and the reminders' count), and the
    # choices of the three filters (host cities, calls, hosts).
    with django_assert_num_queries(11):
        assert client.get("/admin/exchanges/waitingapplication/").status_code == 200
    for number in range(4):
        waiting(
            new_researcher, call, institution_bcn, days=5 + number, email=f"m{number}@example.org"
        )
    with django_assert_num_queries(11):
        response = client.get("/admin/exchanges/waitingapplication/")
    assert len(response.context["cl"].result_list) == 5


def test_the_waiting_list_and_the_setting_are_for_officials_only(coordinator, login):
    client = login(coordinator)
    assert client.get("/admin/exchanges/waitingapplication/").status_code != 200
    assert client.get("/admin/exchanges/hostreminderpolicy/").status_code != 200
    with pytest.raises(PermissionDenied):
        services.host_reminder_policy_update(actor=coordinator, days=3, active=True)


# --- The setting ------------------------------------------------------------------------------


def test_an_official_sets_the_days_in_the_admin(official_bcn, login):
    client = login(official_bcn, language="en")
    page = client.get("/admin/exchanges/hostreminderpolicy/")
    assert page.status_code == 302
    change = page["Location"]
    assert client.get(change).status_code == 200
    response = client.post(change, {"days": "7", "active": "on"})
    assert response.status_code == 302
    assert HostReminderPolicy.current().days == 7
    refused = client.post(change, {"days": "0", "active": "on"})
    assert refused.status_code == 200
    assert "Ensure this value is greater than or equal to 1." in refused.content.decode()
    assert HostReminderPolicy.current().days == 7


# --- The reminders ----------------------------------------------------------------------------


def test_the_host_is_reminded_once_per_period_in_its_language(
    new_researcher, call, institution_bcn, coordinator, official_cdmx
):
    coordinator.language = "ca"
    coordinator.save()
    services.host_reminder_policy_update(actor=official_cdmx, days=7, active=True)
    application = waiting(new_researcher, call, institution_bcn, days=8, email="a@example.org")
    waiting(new_researcher, call, institution_bcn, days=3, email="b@example.org")  # not yet
    assert remind_hosts() == 1
    (email,) = _reminders(coordinator)
    assert email.language == "ca"
    assert f"núm. {application.pk}" in email.subject
    assert "està esperant la vostra resposta" in email.subject
    assert "8 dies" in email.body
    # Beat again, the task retried: nothing more within the period.
    assert remind_hosts() == 0
    assert services.host_reminders_send() == 0
    assert len(_reminders(coordinator)) == 1
    # A week later: the second reminder, and the first of the other, now 10 days waiting.
    later = timezone.now() + timedelta(days=7)
    assert services.host_reminders_send(now=later) == 2
    assert list(
        HostReminder.objects.filter(application=application).values_list("number", flat=True)
    ) == [1, 2]


def test_no_reminder_once_the_host_answered_or_when_switched_off(
    new_researcher, call, institution_bcn, coordinator, official_cdmx
):
    services.host_reminder_policy_update(actor=official_cdmx, days=5, active=False)
    application = waiting(new_researcher, call, institution_bcn, days=9, email="a@example.org")
    assert remind_hosts() == 0
    services.host_reminder_policy_update(actor=official_cdmx, days=5, active=True)
    accept(application, coordinator)
    assert remind_hosts() == 0
    assert not HostReminder.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_beats_at_once_send_a_reminder_once(
    new_researcher, call, institution_bcn, coordinator, official_cdmx
):
    services.host_reminder_policy_update(actor=official_cdmx, days=2, active=True)
    waiting(new_researcher, call, institution_bcn, days=3, email="a@example.org")
    barrier = threading.Barrier(2)
    results: list[int] = []

    def beat() -> None:
        try:
            barrier.wait()
            results.append(services.host_reminders_send())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=beat) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert len(_reminders(coordinator)) == 1

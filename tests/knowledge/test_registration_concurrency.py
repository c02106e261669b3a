"""Parallel sign-ups for the last places: never more confirmed registrations than places.

Each sign-up runs in its own thread with its own database connection and transaction, all
released at once by a barrier, as concurrent requests of several web processes would be. The
event's row lock (``registration_create``) makes them count the places one after another.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from knowledge import services
from knowledge.models import Registration, RegistrationStatus
from tests.factories import UserFactory
from tests.knowledge.factories import coordinator_of, event

R = RegistrationStatus
SIGN_UPS = 8
PLACES = 3


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_sign_ups_never_confirm_more_than_the_places(institution_bcn):
    organiser = coordinator_of(institution_bcn, email="organitza@example.org")
    seminar = event(actor=organiser, places=PLACES)
    people = [UserFactory(email=f"persona{n}@example.org") for n in range(SIGN_UPS)]
    barrier = threading.Barrier(SIGN_UPS)
    errors: list[BaseException] = []

    def sign_up(person) -> None:
        try:
            barrier.wait(timeout=30)
            services.registration_create(actor=person, event=seminar)
        except BaseException as error:  # reported below, with the test's failure
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    registrations = Registration.objects.filter(event=seminar)
    assert registrations.filter(status=R.CONFIRMED).count() == PLACES
    waiting = list(registrations.waiting().values_list("position", flat=True))
    # The others wait, each with their own place in the line.
    assert waiting == list(range(1, SIGN_UPS - PLACES + 1))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_parallel_cancellation_and_sign_up_keep_the_count(institution_bcn):
    """A cancellation promoting the first waiting and a new sign-up at the same time."""
    organiser = coordinator_of(institution_bcn, email="organitza@example.org")
    seminar = event(actor=organiser, places=1)
    first, second, newcomer = (UserFactory(email=f"p{n}@example.org") for n in range(3))
    held = services.registration_create(actor=first, event=seminar)
    services.registration_create(actor=second, event=seminar)
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(work) -> None:
        try:
            barrier.wait(timeout=30)
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(
            target=run,
            args=(lambda: services.registration_cancel(actor=first, registration=held),),
        ),
        threading.Thread(
            target=run, args=(lambda: services.registration_create(actor=newcomer, event=seminar),)
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    registrations = Registration.objects.filter(event=seminar)
    assert registrations.filter(status=R.CONFIRMED).count() == 1
    assert registrations.get(status=R.CONFIRMED).person_id in {second.pk, newcomer.pk}

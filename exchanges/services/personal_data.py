"""Personal data: erasure on request, anonymisation, retention of documents."""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cooperation.accounts import erased_email
from cooperation.models import User
from cooperation.notifications import notify
from cooperation.outbox import dispatch
from exchanges.models import (
    Attachment,
    ResearcherProfile,
    Stay,
    StayApplication,
)
from exchanges.services.researchers import application_withdraw
from exchanges.workflow import BEFORE_DECISION
from knowledge.services.registrations import (
    registrations_cancel_for_erasure,
    registrations_erase,
)


def erasure_request(*, actor: User) -> None:
    """Block the account at once, withdraw open applications, then anonymise (after commit)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=actor.pk)
        profile = ResearcherProfile.objects.select_for_update().filter(user=user).first()
        if profile is not None:
            profile.erasure_requested_at = timezone.now()
            profile.save(update_fields=["erasure_requested_at"])
        for application in StayApplication.objects.filter(
            researcher=user, status__in=BEFORE_DECISION
        ):
            application_withdraw(
                actor=user, application_id=application.pk, note_key="erasure_requested"
            )
        # Places at coming events are freed now, through the cancel service: the waiting list
        # moves up at once, not when the anonymisation runs.
        registrations_cancel_for_erasure(person=user)
        # Told now, while the address is still there and the account active: the outbox
        # keeps the message (and its address) only for EMAIL_RETENTION_DAYS.
        notify(recipients=[user], template="exchanges/email/erasure_done")
        user.is_active = False
        user.save(update_fields=["is_active"])
        # Through the outbox (kind "erasure", registered in ExchangesConfig.ready): handed to
        # the worker after commit, and again by the minute sweep if the broker lost it; the
        # profile's erasure_requested_at is the durable record.
        dispatch.dispatch("erasure", [user.pk])


def researcher_anonymise(*, user_id: int) -> bool:
    """Remove what identifies the person; keep statuses, dates, scores and the
    aggregate fields (home institution, career stage, gender) so that counts stay right."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user_id)
        if user.is_active:
            return False  # not blocked: no erasure was asked for
        user.email = erased_email(user.email, user.pk)
        user.first_name = ""
        user.last_name = ""
        user.set_unusable_password()
        user.save(update_fields=["email", "first_name", "last_name", "password"])
        from allauth.account.models import EmailAddress

        EmailAddress.objects.filter(user=user).delete()
        ResearcherProfile.objects.filter(user=user).update(
            orcid="", accessibility_needs="", anonymised_at=timezone.now()
        )
        applications = StayApplication.objects.filter(researcher=user)
        applications.update(title="", work_plan="", impact_statement="")
        Stay.objects.filter(application__researcher=user).update(final_report_text="", insurance="")
        _purge_documents(applications)
        # Event registrations go: the places go to the waiting lists, the figures stay.
        registrations_erase(user_id=user.pk)
    return True


def _purge_documents(applications: Any) -> int:
    attachments = list(Attachment.objects.filter(application__in=applications))
    files = [a.file for a in attachments]
    Attachment.objects.filter(pk__in=[a.pk for a in attachments]).delete()
    transaction.on_commit(lambda: [f.delete(save=False) for f in files])
    return len(attachments)


def purge_closed_documents(*, now: datetime.datetime | None = None) -> int:
    """Delete the documents of applications closed longer than the retention period."""
    from exchanges.workflow import CLOSED

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.STAY_DOCUMENT_RETENTION_DAYS)
    purged = 0
    candidates = StayApplication.objects.filter(
        status__in=CLOSED, documents_purged_at__isnull=True
    ).exclude(events__at__gt=cutoff)
    for application_id in candidates.values_list("pk", flat=True):
        with transaction.atomic():
            # Claim the row with a conditional UPDATE: a second run at once purges nothing.
            claimed = StayApplication.objects.filter(
                pk=application_id, documents_purged_at__isnull=True
            ).update(documents_purged_at=now)
            if claimed:
                purged += _purge_documents(StayApplication.objects.filter(pk=application_id))
    return purged

"""The demo's portfolio: the sample file of historical projects, imported as an official would,
and three of its projects given funding, milestones, indicators and a team.

Everything goes through the projects' services, as the demo administrator. A closed project's
parts no longer change, so the administrator imports the file with the projects to be given
parts still active (as an official would edit the file before the upload), adds their parts,
and then completes them through the lifecycle: their timeline shows both steps.
"""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.crypto import get_random_string

from cooperation.models import Institution, Party, User
from demo.data import FUNDING, INDICATORS, MILESTONES_DONE, RATES
from projects import services
from projects.import_runs import import_execute, import_request
from projects.imports import STORAGE_FOLDER, import_storage
from projects.models import ExchangeRate, JointProject, Milestone, ProjectStatus

SAMPLE_PROJECTS = settings.BASE_DIR / "projects" / "samples" / "historical-projects.csv"
DONE = Milestone.Status.DONE


def _sample_with_enriched_projects_active() -> tuple[bytes, dict[str, str]]:
    """Return the sample file, the projects to be given parts made active, and their statuses."""
    enriched = {code for code, *_rest in FUNDING}
    with SAMPLE_PROJECTS.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns, rows = list(reader.fieldnames or []), list(reader)
    final_status = {}
    for row in rows:
        if row["code"] in enriched and row["status"] in services.FINAL_STATUSES:
            final_status[row["code"]] = row["status"]
            row["status"] = ProjectStatus.ACTIVE
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return text.getvalue().encode("utf-8"), final_status


def _import(actor: User, content: bytes) -> list[str]:
    """Import a file as the ``import_projects`` command does, for ``actor``; return the problems."""
    stored = import_storage.save(
        f"{STORAGE_FOLDER}/{get_random_string(24)}.csv", ContentFile(content)
    )
    run = import_request(
        actor=actor, file_name=stored.split("/", 1)[1], original_name=SAMPLE_PROJECTS.name
    )
    outcome = import_execute(run.pk)
    if outcome == "succeeded":
        return []
    run.refresh_from_db()
    reasons = [run.error, *(f"line {e['line']}: {e['reason']}" for e in run.row_errors)]
    return [reason for reason in reasons if reason] or [f"the import {outcome}"]


def portfolio_seed(*, actor: User) -> list[str]:
    """Import the sample projects and give three of them their parts; return what stopped it.

    Only while no project exists: a second run, or a database with real projects, is left as
    it is.
    """
    if JointProject.objects.exists():
        return []
    content, final_status = _sample_with_enriched_projects_active()
    problems = _import(actor, content)
    if problems:
        return problems
    projects = {p.code: p for p in JointProject.objects.all()}
    parties = {p.code: p for p in Party.objects.all()}
    institutions = {i.code: i for i in Institution.objects.all()}
    today = timezone.localdate()
    circular = projects["CDMX-BCN-2021-0003"]
    # The demo coordinators' institutions (UPC, UNAM) take part in the active project, so
    # that their logins have a living project to keep up to date.
    for code in ("UPC", "UNAM"):
        if not circular.participations.filter(institution=institutions[code]).exists():
            services.participation_add(
                actor=actor, project=circular, institution=institutions[code]
            )
    for code, funder, amount, currency, year, kind in FUNDING:
        services.funding_save(
            actor=actor,
            project=projects[code],
            funder_party=parties.get(funder),
            funder_institution=None if funder in parties else institutions[funder],
            amount=Decimal(amount),
            currency=currency,
            year=year,
            kind=kind,
        )
    for code, title, due, done_on, evidence in MILESTONES_DONE:
        services.milestone_save(
            actor=actor,
            project=projects[code],
            title=title,
            due_date=due,
            status=DONE,
            completed_on=done_on,
            evidence_url=evidence,
        )
    # One milestone late (due six weeks ago, still in progress) and one ahead.
    services.milestone_save(
        actor=actor,
        project=circular,
        title="Convenio con la red de huertos urbanos",
        due_date=today - datetime.timedelta(days=45),
        status=Milestone.Status.IN_PROGRESS,
    )
    services.milestone_save(
        actor=actor,
        project=circular,
        title="Evaluación de impacto y réplica en los mercados de Barcelona",
        due_date=today + datetime.timedelta(days=120),
    )
    for code, name, unit, baseline, target, values in INDICATORS:
        indicator = services.indicator_save(
            actor=actor,
            project=projects[code],
            name=name,
            unit=unit,
            baseline=Decimal(baseline),
            target=Decimal(target),
        )
        for day, value in values:
            services.measurement_save(
                actor=actor,
                project=projects[code],
                indicator=indicator,
                date=day,
                value=Decimal(value),
            )
    for name, email, institution, role, gender in (
        (
            "Lucía Hernández",
            "lucia.hernandez@example.org",
            "UAM",
            "Investigadora principal",
            "woman",
        ),
        ("Marc Puig", "marc.puig@example.org", "UB", "Coordinador técnico", "man"),
    ):
        services.team_member_save(
            actor=actor,
            project=circular,
            name=name,
            email=email,
            institution=institutions[institution],
            role=role,
            gender=gender,
        )
    for code, status in final_status.items():
        services.project_transition(
            actor=actor, project=projects[code], to_status=status, note="Datos de demostración"
        )
    first_of_month = today.replace(day=1)
    for base, quote, rate in RATES:
        if not ExchangeRate.objects.filter(date=first_of_month, base=base, quote=quote).exists():
            services.exchange_rate_save(
                actor=actor, date=first_of_month, base=base, quote=quote, value=Decimal(rate)
            )
    return []

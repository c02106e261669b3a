"""Create demo institutions of both cities, one user per role and a living catalogue of
projects; print every login.

Safe to run twice: rows are keyed on stable codes and e-mail addresses, existing users keep
their password and second factor, and projects are only added while none exists.
"""

from __future__ import annotations

import datetime
import os
from decimal import Decimal
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from cooperation.models import Institution, Party, User
from cooperation.roles import STAFF_ROLES, Role
from cooperation.totp import totp_code, totp_enable, totp_secret
from projects import services
from projects.imports import import_projects, read_projects
from projects.models import (
    ExchangeRate,
    FundingCommitment,
    JointProject,
    Milestone,
    ProjectStatus,
)
from projects.services import FINAL_STATUSES

K = Institution.Kind
# (code, acronym, kind, city, ECOS member, website, ROR id, names es/ca/en)
INSTITUTIONS: list[tuple[str, str, str, str, bool, str, str, tuple[str, str, str]]] = [
    (
        "UNAM",
        "UNAM",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.unam.mx",
        "01tmp8f25",
        (
            "Universidad Nacional Autónoma de México",
            "Universitat Nacional Autònoma de Mèxic",
            "National Autonomous University of Mexico",
        ),
    ),
    (
        "IPN",
        "IPN",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.ipn.mx",
        "059sp8j34",
        (
            "Instituto Politécnico Nacional",
            "Institut Politècnic Nacional",
            "National Polytechnic Institute",
        ),
    ),
    (
        "UAM",
        "UAM",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.uam.mx",
        "02kta5139",
        (
            "Universidad Autónoma Metropolitana",
            "Universitat Autònoma Metropolitana",
            "Metropolitan Autonomous University",
        ),
    ),
    (
        "URC",
        "URC",
        K.UNIVERSITY,
        "CDMX",
        True,
        "https://www.rcastellanos.cdmx.gob.mx",
        "",
        (
            "Universidad Rosario Castellanos",
            "Universitat Rosario Castellanos",
            "Rosario Castellanos University",
        ),
    ),
    (
        "UACM",
        "UACM",
        K.UNIVERSITY,
        "CDMX",
        False,
        "https://www.uacm.edu.mx",
        "",
        (
            "Universidad Autónoma de la Ciudad de México",
            "Universitat Autònoma de la Ciutat de Mèxic",
            "Autonomous University of Mexico City",
        ),
    ),
    (
        "CINVESTAV",
        "Cinvestav",
        K.RESEARCH_CENTRE,
        "CDMX",
        True,
        "https://www.cinvestav.mx",
        "",
        (
            "Centro de Investigación y de Estudios Avanzados del IPN",
            "Centre de Recerca i d'Estudis Avançats de l'IPN",
            "Center for Research and Advanced Studies of the IPN",
        ),
    ),
    (
        "UB",
        "UB",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.ub.edu",
        "021018s57",
        ("Universidad de Barcelona", "Universitat de Barcelona", "University of Barcelona"),
    ),
    (
        "UPC",
        "UPC",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.upc.edu",
        "03mb6wj31",
        (
            "Universidad Politécnica de Cataluña",
            "Universitat Politècnica de Catalunya",
            "Polytechnic University of Catalonia",
        ),
    ),
    (
        "UAB",
        "UAB",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.uab.cat",
        "052g8jq94",
        (
            "Universidad Autónoma de Barcelona",
            "Universitat Autònoma de Barcelona",
            "Autonomous University of Barcelona",
        ),
    ),
    (
        "UPF",
        "UPF",
        K.UNIVERSITY,
        "BCN",
        False,
        "https://www.upf.edu",
        "04n0g0b29",
        ("Universidad Pompeu Fabra", "Universitat Pompeu Fabra", "Pompeu Fabra University"),
    ),
    (
        "BSC",
        "BSC-CNS",
        K.RESEARCH_CENTRE,
        "BCN",
        False,
        "https://www.bsc.es",
        "05sd8tv96",
        (
            "Barcelona Supercomputing Center",
            "Barcelona Supercomputing Center",
            "Barcelona Supercomputing Center",
        ),
    ),
    (
        "BCN-ACTIVA",
        "",
        K.INCUBATOR,
        "BCN",
        False,
        "https://www.barcelonactiva.cat",
        "",
        ("Barcelona Activa", "Barcelona Activa", "Barcelona Activa"),
    ),
]

# (e-mail, first name, last name, role, city, institution code)
USERS: list[tuple[str, str, str, str, str | None, str | None]] = [
    ("admin@demo.cdmx-bcn.org", "Ada", "Admin", Role.PROGRAMME_ADMIN, None, None),
    ("oficial.cdmx@demo.cdmx-bcn.org", "Citlali", "Hernández", Role.OFFICIAL_CDMX, "CDMX", None),
    ("oficial.bcn@demo.cdmx-bcn.org", "Montserrat", "Puig", Role.OFFICIAL_BCN, "BCN", None),
    ("coordinacion.upc@demo.cdmx-bcn.org", "Jordi", "Vidal", Role.COORDINATOR, None, "UPC"),
    ("coordinacion.unam@demo.cdmx-bcn.org", "Mariana", "López", Role.COORDINATOR, None, "UNAM"),
    ("revisora@demo.cdmx-bcn.org", "Elena", "Ruiz", Role.REVIEWER, None, None),
    ("investigadora@demo.cdmx-bcn.org", "Ximena", "García", Role.RESEARCHER, None, "UNAM"),
]

SAMPLE_PROJECTS = settings.BASE_DIR / "projects" / "samples" / "historical-projects.csv"
D = datetime.date
CASH, IN_KIND = FundingCommitment.Kind.CASH, FundingCommitment.Kind.IN_KIND
DONE = Milestone.Status.DONE
# Funding of three imported projects: (project, city or institution code, amount, currency,
# year, kind).
FUNDING: list[tuple[str, str, str, str, int, str]] = [
    ("CDMX-BCN-2019-0001", "CDMX", "1850000.00", "MXN", 2019, CASH),
    ("CDMX-BCN-2019-0001", "BCN", "72000.00", "EUR", 2019, CASH),
    ("CDMX-BCN-2019-0001", "UPC", "18500.00", "EUR", 2020, IN_KIND),
    ("CDMX-BCN-2020-0001", "CDMX", "960000.00", "MXN", 2020, CASH),
    ("CDMX-BCN-2020-0001", "BCN", "45000.00", "EUR", 2021, CASH),
    ("CDMX-BCN-2020-0001", "IPN", "240000.00", "MXN", 2021, IN_KIND),
    ("CDMX-BCN-2021-0003", "CDMX", "2400000.00", "MXN", 2021, CASH),
    ("CDMX-BCN-2021-0003", "BCN", "95000.00", "EUR", 2022, CASH),
    ("CDMX-BCN-2021-0003", "UAM", "380000.00", "MXN", 2022, IN_KIND),
]
# Done milestones: (project, title, due, completed on, evidence link).
MILESTONES_DONE: list[tuple[str, str, datetime.date, datetime.date, str]] = [
    (
        "CDMX-BCN-2019-0001",
        "Instalación de 120 sensores en Iztapalapa",
        D(2019, 11, 30),
        D(2019, 11, 22),
        "",
    ),
    (
        "CDMX-BCN-2019-0001",
        "Plataforma de datos abiertos publicada",
        D(2020, 6, 30),
        D(2020, 7, 10),
        "https://datos.cdmx.gob.mx",
    ),
    (
        "CDMX-BCN-2019-0001",
        "Informe final y recomendaciones",
        D(2021, 2, 28),
        D(2021, 2, 20),
        "",
    ),
    (
        "CDMX-BCN-2020-0001",
        "Primera edición de talleres en 8 escuelas",
        D(2021, 6, 30),
        D(2021, 6, 25),
        "",
    ),
    (
        "CDMX-BCN-2020-0001",
        "Guía docente publicada en abierto",
        D(2022, 5, 31),
        D(2022, 6, 14),
        "",
    ),
    (
        "CDMX-BCN-2021-0003",
        "Diagnóstico de residuos en 12 mercados",
        D(2021, 12, 15),
        D(2021, 12, 10),
        "",
    ),
    (
        "CDMX-BCN-2021-0003",
        "Planta piloto de compostaje en la Central de Abasto",
        D(2023, 6, 30),
        D(2023, 9, 1),
        "",
    ),
]
# Indicators: (project, name, unit, baseline, target, [(date, value), ...]).
INDICATORS: list[tuple[str, str, str, str, str, list[tuple[datetime.date, str]]]] = [
    (
        "CDMX-BCN-2019-0001",
        "Sensores de calidad del agua instalados",
        "sensores",
        "0",
        "120",
        [(D(2019, 11, 30), "64"), (D(2020, 6, 30), "110"), (D(2021, 2, 28), "126")],
    ),
    (
        "CDMX-BCN-2019-0001",
        "Pérdidas de agua en la red piloto",
        "%",
        "38",
        "25",
        [(D(2020, 6, 30), "33"), (D(2021, 2, 28), "27")],
    ),
    (
        "CDMX-BCN-2020-0001",
        "Niñas participantes en los talleres",
        "personas",
        "0",
        "400",
        [(D(2021, 6, 30), "180"), (D(2022, 7, 31), "430")],
    ),
    (
        "CDMX-BCN-2021-0003",
        "Residuos orgánicos valorizados",
        "toneladas al año",
        "0",
        "1200",
        [(D(2022, 12, 31), "310"), (D(2023, 12, 31), "640"), (D(2024, 12, 31), "905")],
    ),
]
# Exchange rates kept by the officials: 1 base = rate quote.
RATES: list[tuple[str, str, str]] = [("EUR", "MXN", "21.350000"), ("USD", "MXN", "18.450000")]


def current_totp_code(user: User) -> str:
    """Return the code an authenticator app shows now for the user's TOTP secret."""
    return totp_code(totp_secret(user))


class Command(BaseCommand):
    help = "Create demo institutions, one user per role and demo projects; print every login."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--first-time",
            action="store_true",
            help="Only create data when no demo user exists yet; always print the logins.",
        )

    def handle(self, *args: Any, first_time: bool = False, **options: Any) -> None:
        password = os.environ.get("DEMO_PASSWORD", "demo-portal-2026")
        if not (first_time and User.objects.filter(email=USERS[0][0]).exists()):
            with transaction.atomic():
                self._institutions()
                self._users(password)
        # Also on a later `make run` (--first-time) of a database that has no project yet.
        with transaction.atomic():
            self._projects()
        # Two open calls for stays (one each way), also only while there is none.
        from exchanges.models import Call

        if not Call.objects.exists():
            call_command("seed_stays_demo", stdout=self.stdout)
        self._print_logins(password)

    def _institutions(self) -> None:
        parties = {party.code: party for party in Party.objects.all()}
        for code, acronym, kind, city, ecos, website, ror, names in INSTITUTIONS:
            defaults = {
                "acronym": acronym,
                "kind": kind,
                "party": parties[city],
                "ecos_member": ecos,
                "website": website,
                "ror_id": ror,
                "name": names[0],
                "name_es": names[0],
                "name_ca": names[1],
                "name_en": names[2],
            }
            Institution.objects.update_or_create(code=code, defaults=defaults)

    def _users(self, password: str) -> None:
        parties = {party.code: party for party in Party.objects.all()}
        institutions = {i.code: i for i in Institution.objects.all()}
        for email, first, last, role, city, institution in USERS:
            user, created = User.objects.get_or_create(
                email=email,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "is_staff": role in STAFF_ROLES,
                    "party": parties.get(city) if city else None,
                    "institution": institutions.get(institution) if institution else None,
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            user.groups.add(Group.objects.get(name=role))
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if (
                role in STAFF_ROLES
                and not Authenticator.objects.filter(
                    user=user, type=Authenticator.Type.TOTP
                ).exists()
            ):
                totp_enable(user=user)

    def _projects(self) -> None:
        """Import the sample projects; give three of them money, milestones and indicators.

        Only when no project exists: a second run, or a database with real projects, is left
        as it is. Everything goes through the projects' services, as the demo administrator:
        the projects to be enriched are imported active, receive their parts, and those the
        file gives as completed are then completed through the lifecycle (a closed project's
        parts no longer change).
        """
        if JointProject.objects.exists():
            return
        actor = User.objects.get(email=USERS[0][0])
        with SAMPLE_PROJECTS.open("rb") as handle:
            result = read_projects(SAMPLE_PROJECTS.name, handle)
        if not result.ok:
            reasons = [result.file_error, *(f"line {e.line}: {e.reason}" for e in result.errors)]
            self.stderr.write("Demo projects not imported: " + "; ".join(r for r in reasons if r))
            return
        enriched = {code for code, *_rest in FUNDING}
        final_status = {}
        for row in result.rows:
            if row.values["code"] in enriched and row.values["status"] in FINAL_STATUSES:
                final_status[row.values["code"]] = row.values["status"]
                row.values["status"] = ProjectStatus.ACTIVE
        import_projects(result, actor=actor)
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
            if not ExchangeRate.objects.filter(
                date=first_of_month, base=base, quote=quote
            ).exists():
                services.exchange_rate_save(
                    actor=actor, date=first_of_month, base=base, quote=quote, value=Decimal(rate)
                )

    def _print_logins(self, password: str) -> None:
        out = self.stdout
        out.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {password})"))
        for email, _first, _last, role, _city, _inst in USERS:
            user = User.objects.filter(email=email).first()
            if user is None:
                continue
            out.write(f"  {email:<38} {Role(role).label}")
            if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                secret = totp_secret(user)
                out.write(
                    f"  {'':<38} second factor: TOTP secret {secret} "
                    f"(code now {current_totp_code(user)}; `make totp EMAIL={email}` gives "
                    "a fresh one)"
                )

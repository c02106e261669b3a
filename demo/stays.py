"""Demo researchers and their stay applications in every state, so the officials' panels show
figures: two past calls (one each way) whose stays are finished or under way, and applications
to the two open calls from submitted to awarded, declined, rejected and on the waiting list.

Everything is written through ``exchanges.services``, by the person who would act: the
researcher fills in, submits, confirms and records the stay; the host's coordinator accepts or
declines; the demo reviewer scores; the officials of both cities sign and accept the final
report. A past call is created open (a researcher can only submit to an open call) and its
dates are then moved to the past through ``call_save``, as an official would after it closed.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from pypdf import PdfWriter

from cooperation.models import Institution, StrategicArea, User
from cooperation.roles import Role
from demo.calls import call_publish
from demo.data import CALLS
from exchanges import services
from exchanges.models import Call, Direction, ResearcherProfile, StayApplication

DOMAIN = "demo.cdmx-bcn.org"
# Past calls: (direction, host code, currency, stipend, titles es/ca/en). The host is the one
# with a demo coordinator, who accepts the applications.
PAST_CALLS = [
    (
        Direction.CDMX_TO_BCN,
        "UPC",
        "EUR",
        Decimal("1700.00"),
        ("Estancias CDMX→BCN 2026", "Estades CDMX→BCN 2026", "Stays Mexico City→Barcelona 2026"),
    ),
    (
        Direction.BCN_TO_CDMX,
        "UNAM",
        "MXN",
        Decimal("30000.00"),
        ("Estancias BCN→CDMX 2026", "Estades BCN→CDMX 2026", "Stays Barcelona→Mexico City 2026"),
    ),
]
# Where each way's researchers come from (home institutions) and the other open-call host
# (without a demo coordinator: its applications wait for the host).
HOMES = {
    Direction.CDMX_TO_BCN: ("UNAM", "IPN", "UAM", "CINVESTAV"),
    Direction.BCN_TO_CDMX: ("UB", "UPC", "UAB", "UPF", "BSC"),
}
WAITING_HOST = {Direction.CDMX_TO_BCN: "UB", Direction.BCN_TO_CDMX: "IPN"}
COORDINATORS = {"UPC": "coordinacion.upc@" + DOMAIN, "UNAM": "coordinacion.unam@" + DOMAIN}
# The stages, in the order they are built. Each stay status of a call holds none or at least
# five applications, and so does each gender group of each city's stays: the disclosure rules
# hide every count from 1 to 4 and whatever would give one away, so fewer would leave the
# stays' panels empty. The open calls' applications are the states before a decision.
PAST_STAGES = ["completed"] * 5 + ["in_progress"] * 5 + ["awarded"] * 5
OPEN_STAGES = ["approved", "evaluation", "host_accepted", "host_declined", "rejected", "withdrawn"]
WAITING_STAGES = ["submitted", "submitted"]
# Self-declared genders of the stays ("": not declared), five women, five men and five not
# declared in each way; the other applicants declare none or prefer not to say, so that the
# applicants' groups differ from the awardees' by none or by at least five.
PAST_GENDERS = [
    *("woman", "woman", "man", "", ""),  # completed
    *("woman", "man", "man", "", "woman"),  # in progress
    *("woman", "man", "man", "", ""),  # awarded
]
OTHER_GENDERS = ["", "undisclosed"]
FIRST_NAMES = [
    "Lucía", "Diego", "Sofía", "Mateo", "Valeria", "Pau", "Laia", "Andrés", "Carmen", "Iker",
    "Renata", "Marc", "Abril", "Nil", "Paula", "Emilio", "Júlia", "Santiago", "Noa", "Héctor",
]  # fmt: skip
LAST_NAMES = ["Ramírez", "Ferrer", "Castillo", "Soler", "Mendoza", "Roca", "Vargas", "Serra"]
CAREER_STAGES = list(ResearcherProfile.CareerStage.values)


def stays_seed(*, admin: User) -> int:
    """Create the demo researchers and their applications while no application exists.

    Return how many applications were made (0 when some already exist, or without the demo
    officials, coordinators and reviewer that act on them).
    """
    if StayApplication.objects.exists():
        return 0
    people = _staff()
    if people is None:
        return 0
    made = 0
    open_titles = [titles[0] for *_terms, titles in CALLS]
    for direction, host, currency, stipend, titles in PAST_CALLS:
        if Call.objects.filter(title_es=titles[0]).exists():
            continue  # keyed on its Spanish title, as the open calls are
        call = _past_call(admin, direction, host, currency, stipend, titles)
        open_call = Call.objects.filter(title_es__in=open_titles, direction=direction).first()
        plan: list[tuple[Call, str, str]] = [(call, host, stage) for stage in PAST_STAGES]
        if open_call is not None and open_call.is_open:
            plan += [(open_call, host, stage) for stage in OPEN_STAGES]
            plan += [(open_call, WAITING_HOST[direction], s) for s in WAITING_STAGES]
        genders = PAST_GENDERS + OTHER_GENDERS * len(plan)
        for number, (target, host_code, stage) in enumerate(plan):
            researcher = _researcher(direction, number, genders[number])
            _apply(people, researcher, target, host_code, stage, number)
            made += 1
        _close(admin, call)
    return made


def _staff() -> dict[str, User] | None:
    emails = {
        "cdmx": "oficial.cdmx@" + DOMAIN,
        "bcn": "oficial.bcn@" + DOMAIN,
        "reviewer": "revisora@" + DOMAIN,
        **COORDINATORS,
    }
    found = {u.email: u for u in User.objects.filter(email__in=emails.values())}
    if len(found) < len(emails):
        return None
    return {key: found[email] for key, email in emails.items()}


def _past_call(
    admin: User,
    direction: str,
    host: str,
    currency: str,
    stipend: Decimal,
    titles: tuple[str, str, str],
) -> Call:
    """Create the call open now, its stays window around today (the dates move later)."""
    now, today = timezone.now(), timezone.localdate()
    call = Call(
        title_es=titles[0],
        title_ca=titles[1],
        title_en=titles[2],
        description_es="Estancias de investigación de uno a seis meses.",
        description_ca="Estades de recerca d'un a sis mesos.",
        description_en="Research stays of one to six months.",
        direction=direction,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=1),
        stays_from=today - datetime.timedelta(days=240),
        stays_until=today + datetime.timedelta(days=180),
        min_duration_days=30,
        max_duration_days=180,
        monthly_stipend=stipend,
        stipend_currency=currency,
    )
    call_publish(
        actor=admin,
        call=call,
        areas=list(StrategicArea.objects.filter(active=True)),
        hosts=[(Institution.objects.get(code=host), 20)],
    )
    return call


def _close(admin: User, call: Call) -> None:
    """Move the call's period to the past, as an official would change its deadline."""
    call.refresh_from_db()
    call.opens_at = timezone.now() - datetime.timedelta(days=300)
    call.closes_at = timezone.now() - datetime.timedelta(days=250)
    services.call_save(actor=admin, call=call)


def _researcher(direction: str, number: int, gender: str) -> User:
    """Create a researcher of the sending city with a profile (gender only with consent)."""
    code = "cdmx" if direction == Direction.CDMX_TO_BCN else "bcn"
    first = FIRST_NAMES[number % len(FIRST_NAMES)]
    last = LAST_NAMES[(number + len(code)) % len(LAST_NAMES)]
    email = f"investigador.{code}{number + 1:02d}@{DOMAIN}"
    user, created = User.objects.get_or_create(email=email)
    if created:
        # Demo researchers only appear in the figures: they have no usable password.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=Role.RESEARCHER))
    homes = HOMES[Direction(direction)]
    services.profile_save(
        actor=user,
        first_name=first,
        last_name=last,
        home_institution=Institution.objects.get(code=homes[number % len(homes)]),
        career_stage=CAREER_STAGES[number % len(CAREER_STAGES)],
        gender=gender,
        sensitive_consent=bool(gender),
    )
    return user


def _pdf(name: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


def _apply(
    people: dict[str, User], researcher: User, call: Call, host_code: str, stage: str, n: int
) -> None:
    """Take one application from the draft to ``stage`` through the services."""
    today = timezone.localdate()
    # Every stay lasts 90 to 120 days: one duration band, so that no band holds one to four.
    days = 90 + 2 * n
    if stage == "completed":
        start = call.stays_from + datetime.timedelta(days=10 + 4 * n)
    elif stage == "in_progress":
        start = today - datetime.timedelta(days=20 + 3 * n)
    elif stage == "awarded":
        start = today + datetime.timedelta(days=10 + n)
    else:
        start = call.stays_from + datetime.timedelta(days=5 + 3 * n)
    end = start + datetime.timedelta(days=days)
    host = Institution.objects.get(code=host_code)
    application = services.application_start(actor=researcher, call=call)
    services.application_save_draft(
        actor=researcher,
        application_id=application.pk,
        data={
            "host": host,
            "start_date": start,
            "end_date": end,
            "title": "Movilidad y espacio público en barrios populares",
            "work_plan": "Trabajo de campo, entrevistas y un taller con la institución anfitriona.",
            "impact_statement": "Recomendaciones para los servicios municipales de ambas ciudades.",
        },
    )
    for kind in ("cv", "motivation", "invitation"):
        services.attachment_add(
            actor=researcher, application_id=application.pk, kind=kind, upload=_pdf(f"{kind}.pdf")
        )
    pk = application.pk
    services.application_submit(actor=researcher, application_id=pk, consent=True)
    if stage == "submitted":
        return
    if stage == "withdrawn":
        services.application_withdraw(actor=researcher, application_id=pk)
        return
    coordinator = people[host_code]
    if stage == "host_declined":
        services.host_decline(
            actor=coordinator,
            application_id=pk,
            reason="No podemos ofrecer supervisión en esas fechas.",
        )
        return
    services.host_accept(
        actor=coordinator,
        application_id=pk,
        supervisor_name=f"{coordinator.first_name} {coordinator.last_name}",
        supervisor_email=coordinator.email,
        confirmed_start=start,
        confirmed_end=end,
    )
    if stage == "host_accepted":
        return
    _score(people, call, pk, n)
    if stage == "evaluation":
        return
    if stage == "rejected":
        services.application_reject(
            actor=people["cdmx"], application_id=pk, note="Otra propuesta obtuvo más puntos."
        )
        return
    services.application_sign(actor=people["cdmx"], application_id=pk)
    services.application_sign(actor=people["bcn"], application_id=pk)
    if stage in ("approved", "waitlisted"):
        return
    services.award_confirm(actor=researcher, application_id=pk)
    if stage == "awarded":
        return
    services.stay_update(
        actor=researcher,
        application_id=pk,
        data={
            "arrived_on": start,
            "departed_on": end if stage == "completed" else None,
            "insurance": f"Póliza {pk}",
            "visa_status": "granted",
        },
    )
    if stage == "completed":
        services.final_report_submit(
            actor=researcher,
            application_id=pk,
            text="Resultados: un informe conjunto y un taller con los servicios municipales.",
            upload=None,
        )
        services.final_report_accept(actor=people["bcn"], application_id=pk)


def _score(people: dict[str, User], call: Call, application_id: int, n: int) -> None:
    """Assign the demo reviewer, who declares no conflict and scores every criterion."""
    reviewer = people["reviewer"]
    assignment = services.review_assign(
        actor=people["cdmx"], application_id=application_id, reviewer=reviewer
    )
    services.conflict_declare(
        actor=reviewer,
        assignment_id=assignment.pk,
        has_conflict=False,
        shown=services.conflict_disclosure_token(assignment),
    )
    services.scores_submit(
        actor=reviewer,
        assignment_id=assignment.pk,
        scores={c.pk: 6 + (n + c.order) % 5 for c in call.criteria.all()},
    )

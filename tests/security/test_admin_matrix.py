"""Every model of the admin against every role (issue 12, point 2), as the API's access matrix.

One table, ``ROWS``: a row is one admin request (a list, a form, a save, an action) and the
answer each caller should get. Callers: the programme administrator, the officials of Mexico
City and Barcelona, a coordinator of the BCN institution, a reviewer, a researcher, nobody, and
the BCN official with a password only. The objects: a project of the CDMX institution alone and
one of the BCN institution alone, each with an indicator; both institutions; a call, a partner
client with a webhook delivery, a report run, a schedule.

What each cell should be follows the rules, not what the code happens to do:

* nobody, a person without an admin role, a staff member without the second factor: sent to
  the sign-in (``LOGIN``) and nothing changes;
* a page the role may read: 200; a save or an action it may make: done (302, and the row
  changed); a page or a save its role may not make, or an object outside its city: 403 and
  nothing changed; an action not offered to it: the list again (200) and nothing changed; a
  choice outside its scope in a form: the form again (200) and nothing changed.

A test fails when a registered admin model has no row: to register one, add its rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.core.files.base import ContentFile
from django.test import Client
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from cooperation.api.clients import partner_client_create
from cooperation.api.models import PartnerProfile, WebhookDelivery, WebhookEndpoint
from cooperation.models import Institution, Party, StrategicArea
from cooperation.outbox.models import OutgoingEmail
from exchanges.models import Call, HostReminderPolicy
from knowledge import services as knowledge_services
from knowledge.models import Event, Practice, Transfer
from opendata.models import OpenDataSettings, Release
from projects.models import ExchangeRate, Indicator, JointProject, Measurement, ProjectImport
from reports.models import ReportRun, ReportSchedule
from tests.exchanges.factories import CallFactory, add_host
from tests.knowledge.factories import draft, event, transfer
from tests.projects.factories import IndicatorFactory, ProjectFactory

pytestmark = pytest.mark.django_db

PEOPLE = {
    # caller -> fixture of tests/conftest.py
    "programme_admin": "programme_admin",
    "official_cdmx": "official_cdmx",
    "official_bcn": "official_bcn",
    "coordinator_bcn": "coordinator",
    "reviewer": "reviewer",
    "researcher": "researcher",
}
ANONYMOUS = "anonymous"
PASSWORD_ONLY = "official_bcn_password_only"
CALLERS = [*PEOPLE, ANONYMOUS, PASSWORD_ONLY]
STAFF = ("programme_admin", "official_cdmx", "official_bcn")


@dataclass(frozen=True)
class Expect:
    """The status, and whether the row's state changes (None: not looked at)."""

    status: int
    changed: bool | None = None
    xfail: str = ""

    def __str__(self) -> str:
        return f"{self.status}{'' if self.changed is None else ' changed' if self.changed else ''}"


PAGE = Expect(200)
DONE = Expect(302, changed=True)
FORBIDDEN = Expect(403, changed=False)
IGNORED = Expect(200, changed=False)  # an action not offered, a choice outside the scope
LOGIN = Expect(302, changed=False)  # to the sign-in
NOT_THEIRS = Expect(302, changed=False)  # another's object: not found, back to the index


def staff(
    *, programme_admin: Expect, official_cdmx: Expect, official_bcn: Expect
) -> dict[str, Expect]:
    """The staff's answers; everybody else is sent to the sign-in and changes nothing."""
    cells = dict.fromkeys(CALLERS, LOGIN)
    cells.update(
        programme_admin=programme_admin, official_cdmx=official_cdmx, official_bcn=official_bcn
    )
    return cells


def all_staff(cell: Expect) -> dict[str, Expect]:
    return staff(programme_admin=cell, official_cdmx=cell, official_bcn=cell)


def admin_only(cell: Expect, others: Expect = FORBIDDEN) -> dict[str, Expect]:
    return staff(programme_admin=cell, official_cdmx=others, official_bcn=others)


# --- The objects ---------------------------------------------------------------------------------


class World:
    """The objects of one test, each made when a row first needs it."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    @cached_property
    def cdmx(self) -> Party:
        return self.fixture("cdmx")

    @cached_property
    def bcn(self) -> Party:
        return self.fixture("bcn")

    @cached_property
    def unam(self) -> Institution:
        return self.fixture("institution_cdmx")

    @cached_property
    def upc(self) -> Institution:
        return self.fixture("institution_bcn")

    @cached_property
    def area(self) -> StrategicArea:
        return StrategicArea.objects.order_by("number").first()

    @cached_property
    def researcher(self) -> Any:
        return self.fixture("researcher")

    @cached_property
    def project_cdmx(self) -> JointProject:
        """A proposal of the CDMX institution alone: BCN's officials may not change it."""
        return ProjectFactory(institutions=[self.unam], title_es="Solo CDMX", status="proposed")

    @cached_property
    def project_bcn(self) -> JointProject:
        return ProjectFactory(institutions=[self.upc], title_es="Solo BCN", status="proposed")

    @cached_property
    def indicator_cdmx(self) -> Indicator:
        return IndicatorFactory(project=self.project_cdmx, name="Personas CDMX")

    @cached_property
    def indicator_bcn(self) -> Indicator:
        return IndicatorFactory(project=self.project_bcn, name="Personas BCN")

    @cached_property
    def call(self) -> Call:
        call = CallFactory()
        call.areas.add(self.area)
        add_host(call, self.upc)
        return call

    @cached_property
    def partner(self) -> PartnerProfile:
        return partner_client_create(name="UPC", scopes=["read"], institution=self.upc).profile

    @cached_property
    def delivery(self) -> WebhookDelivery:
        endpoint = WebhookEndpoint.objects.create(
            partner=self.partner,
            url="https://93.184.215.14/hooks",
            events=["project.created"],
            secret="s",
        )
        return WebhookDelivery.objects.create(
            endpoint=endpoint,
            message_id="msg_1",
            event="project.created",
            payload={"code": "X"},
            status=WebhookDelivery.Status.FAILED,
        )

    @cached_property
    def run(self) -> ReportRun:
        self.fixture("settings").REPORTS_ROOT = self.fixture("tmp_path")
        run = ReportRun.objects.create(
            kind="institutions",
            format="csv",
            parameters={},
            requested_by=self.fixture("official_cdmx"),
            state=ReportRun.State.SUCCEEDED,
        )
        run.file.save(f"report-{run.pk}.csv", ContentFile(b"code,name\n"))
        return run

    @cached_property
    def email(self) -> OutgoingEmail:
        """A message the SMTP server refused: officials see it and may send it again."""
        return OutgoingEmail.objects.create(
            recipient=self.researcher,
            to=self.researcher.email,
            language="es",
            template="exchanges/email/status_changed",
            subject="Asunto",
            body="Texto",
            state=OutgoingEmail.State.FAILED,
            attempts=1,
            response="550 mailbox unavailable",
        )

    @cached_property
    def project_import(self) -> ProjectImport:
        """An import the CDMX official asked for: theirs and the administrators' to read."""
        return ProjectImport.objects.create(
            file_name="x.csv",
            original_name="historicos.csv",
            requested_by=self.fixture("official_cdmx"),
            state=ProjectImport.State.SUCCEEDED,
        )

    @cached_property
    def practice_bcn(self) -> Practice:
        """A practice of the BCN institution sent for review: BCN's officials review it."""
        official = self.fixture("official_bcn")
        practice = draft(actor=official, institution=self.upc, texts={"title_es": "Práctica BCN"})
        return knowledge_services.practice_submit(actor=official, practice=practice)

    @cached_property
    def practice_published(self) -> Practice:
        return knowledge_services.practice_publish(
            actor=self.fixture("official_bcn"), practice=self.practice_bcn
        )

    @cached_property
    def transfer_cdmx(self) -> Transfer:
        """The BCN practice taken up by the CDMX institution: CDMX's side keeps it."""
        return transfer(
            actor=self.fixture("official_cdmx"),
            practice=self.practice_published,
            institution=self.unam,
        )

    @cached_property
    def event_bcn(self) -> Event:
        """A published event of the BCN institution: BCN's officials keep it."""
        return event(actor=self.fixture("official_bcn"), institution=self.upc)

    @cached_property
    def release(self) -> Release:
        """A published open-data release (its files are not needed by the admin's pages)."""
        return Release.objects.create(
            release_date=datetime.date(2026, 12, 1), state=Release.State.PUBLISHED
        )

    @cached_property
    def opendata_settings(self) -> OpenDataSettings:
        return OpenDataSettings.current()

    @cached_property
    def schedule(self) -> ReportSchedule:
        """A report schedule of the CDMX official: only its owner sees or changes it."""
        return ReportSchedule.objects.create(
            owner=self.fixture("official_cdmx"),
            kind="institutions",
            format="csv",
            frequency=ReportSchedule.Frequency.WEEKLY,
            next_run_at=datetime.datetime(2027, 1, 4, 6, tzinfo=datetime.UTC),
        )

    @cached_property
    def reminder_policy(self) -> HostReminderPolicy:
        return HostReminderPolicy.current()

    @cached_property
    def task(self) -> PeriodicTask:
        every = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.DAYS)
        return PeriodicTask.objects.create(name="Prueba", task="x.y", interval=every)


# --- Form data read from the page, as a browser would send it back ------------------------------


def _form_fields(form: forms.BaseForm) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for bound in form:
        if bound.field.disabled:
            continue
        widget, value, name = bound.field.widget, bound.value(), bound.html_name
        if isinstance(widget, forms.CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(widget, forms.MultiWidget):
            parts = value if isinstance(value, list | tuple) else widget.decompress(value)
            for index, part in enumerate(parts):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def page_data(url: str, **changes: Any) -> Callable[[World], dict[str, Any]]:
    """The form of the page at ``url`` (read by the administrator) as sent back, changed."""

    def build(w: World) -> dict[str, Any]:
        client = w.fixture("login")(w.fixture("programme_admin"))
        response = client.get(url.format(w=w))
        assert response.status_code == 200, (url, response.status_code)
        context = response.context
        data = _form_fields(context["adminform"].form)
        for inline in context["inline_admin_formsets"]:
            formset = inline.formset
            data.update(_form_fields(formset.management_form))
            for form in formset.forms:
                data.update(_form_fields(form))
        for key, value in changes.items():
            data[key] = value(w) if callable(value) else value
        return data

    return build


def _schedule_form(**changes: str) -> dict[str, Any]:
    return {
        "kind": "institutions",
        "parameters": "{}",
        "format": "csv",
        "frequency": "weekly",
        "next_run_at_0": "2027-01-04",
        "next_run_at_1": "06:00:00",
        "active": "on",
        **changes,
    }


# --- The table ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    method: str
    url: str
    expect: dict[str, Expect]
    body: Callable[[World], dict[str, Any]] | None = None
    state: Callable[[World], Any] | None = None
    label: str = ""

    @property
    def id(self) -> str:
        return f"{self.method} {self.url.replace('/admin/', '/')}" + (
            f" [{self.label}]" if self.label else ""
        )


def _count(model: Any, **lookups: Any) -> Callable[[World], int]:
    return lambda w: model.objects.filter(**lookups).count()


def _values(obj: Callable[[World], Any], *fields: str) -> Callable[[World], tuple]:
    def read(w: World) -> tuple:
        target = obj(w)
        return tuple(type(target).objects.filter(pk=target.pk).values_list(*fields).first() or ())

    return read


def _action(name: str, selected: Callable[[World], Any]) -> Callable[[World], dict[str, Any]]:
    return lambda w: {"action": name, "_selected_action": [selected(w).pk], "index": 0}


def _reference(model: str, obj: str, field_name: str) -> list[Row]:
    """The programme's frame: officials read it, only administrators change it."""
    url = f"/admin/cooperation/{model}/"
    change = url + "{w." + obj + ".pk}/change/"
    return [
        Row("GET", url, all_staff(PAGE)),
        Row("GET", url + "add/", admin_only(PAGE)),
        Row(
            "POST",
            change,
            admin_only(DONE),
            body=page_data(change, **{field_name: "Cambiado"}),
            state=_values(lambda w: getattr(w, obj), field_name),
        ),
    ]


def _institution(w: World, party: Party, code: str) -> dict[str, Any]:
    return {
        "code": code,
        "acronym": code,
        "kind": "university",
        "party": party.pk,
        "active": "on",
        "name_es": f"Institución {code}",
        "name_ca": "",
        "name_en": "",
        "website": "",
        "ror_id": "",
    }


def _indicator_body(project: Callable[[World], JointProject], **extra: Any):
    def build(w: World) -> dict[str, Any]:
        return {
            "project": project(w).pk,
            "name": "Nuevas personas",
            "unit": "personas",
            "baseline": "0",
            "target": "10",
            "measurements-TOTAL_FORMS": "1",
            "measurements-INITIAL_FORMS": "0",
            "measurements-MIN_NUM_FORMS": "0",
            "measurements-MAX_NUM_FORMS": "1000",
            "measurements-0-date": "2026-06-30",
            "measurements-0-value": "3",
            **{k: v(w) if callable(v) else v for k, v in extra.items()},
        }

    return build


def _empty_inlines(*prefixes: str) -> dict[str, str]:
    return {
        f"{prefix}-{key}": value
        for prefix in prefixes
        for key, value in (("TOTAL_FORMS", "0"), ("INITIAL_FORMS", "0"))
    }


def _practice_body(w: World) -> dict[str, Any]:
    return {
        "kind": "methodology",
        "institution": w.upc.pk,
        "licence": "CC-BY-4.0",
        "audiences": ["teachers"],
        "primary_area": w.area.pk,
        "title_es": "Nueva práctica",
        **_empty_inlines("links", "attachments", "timeline"),
    }


def _transfer_body(w: World) -> dict[str, Any]:
    return {
        "practice": w.practice_published.pk,
        "institution": w.unam.pk,
        "started_on": "2026-03-01",
        "origin_contact_name": "Marta Puig",
        "origin_contact_email": "marta@example.org",
        "adopter_contact_name": "Luis Ramírez",
        "adopter_contact_email": "luis@example.org",
        **{f"{f}_{lang}": "" for f in ("adaptations", "lessons") for lang in ("es", "ca", "en")},
        **_empty_inlines("timeline"),
    }


def _event_body(w: World) -> dict[str, Any]:
    return {
        "title_es": "Nuevo seminario",
        **{f"{f}_{lang}": "" for f in ("title", "description", "report") for lang in ("ca", "en")},
        "description_es": "",
        "report_es": "",
        "kind": "seminar",
        "mode": "online",
        "institution": w.upc.pk,
        "city": w.bcn.pk,
        "areas": [w.area.pk],
        "starts_at_0": "2031-05-10",
        "starts_at_1": "17:00:00",
        "ends_at_0": "2031-05-10",
        "ends_at_1": "19:00:00",
        "registration_closes_at_0": "2031-05-09",
        "registration_closes_at_1": "12:00:00",
        "places": "30",
        "venue": "",
        "online_url": "https://meet.example.org/seminario",
        **_empty_inlines("registrations"),
    }


# A practice is reviewed and corrected by the officials of its city; a transfer kept by those
# of the adopting institution's city (knowledge/permissions.py).
BCN_SIDE = staff(programme_admin=DONE, official_cdmx=FORBIDDEN, official_bcn=DONE)
SERVICE_REFUSES_CDMX = staff(
    programme_admin=DONE, official_cdmx=Expect(302, changed=False), official_bcn=DONE
)

# A project's parts and indicators are changed by the officials of a city taking part and by
# administrators; the other city's officials read them.
CDMX_SIDE = staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=FORBIDDEN)

ROWS: list[Row] = [
    # The admin's index and the officials' dashboard.
    Row("GET", "/admin/", all_staff(PAGE)),
    Row("GET", "/admin/reports/dashboard/", all_staff(PAGE)),
    # The programme's frame.
    *_reference("party", "cdmx", "name_es"),
    Row("GET", "/admin/cooperation/agreement/", all_staff(PAGE)),
    Row("GET", "/admin/cooperation/agreement/add/", admin_only(PAGE)),
    Row("GET", "/admin/cooperation/strategicarea/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/cooperation/strategicarea/{w.area.pk}/change/",
        admin_only(DONE),
        body=page_data(
            "/admin/cooperation/strategicarea/{w.area.pk}/change/", name_es="Área cambiada"
        ),
        state=_values(lambda w: w.area, "name_es"),
    ),
    Row("GET", "/admin/cooperation/axis/", all_staff(PAGE)),
    Row("GET", "/admin/cooperation/axis/add/", admin_only(PAGE)),
    # Institutions: officials keep their own city's register and read the other's.
    Row("GET", "/admin/cooperation/institution/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/cooperation/institution/add/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=IGNORED),
        body=lambda w: _institution(w, w.cdmx, "NEW-CDMX"),
        state=_count(Institution, code="NEW-CDMX"),
        label="a CDMX institution",
    ),
    Row(
        "POST",
        "/admin/cooperation/institution/{w.unam.pk}/change/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=FORBIDDEN),
        body=page_data("/admin/cooperation/institution/{w.unam.pk}/change/", acronym="UNAM2"),
        state=_values(lambda w: w.unam, "acronym"),
    ),
    Row(
        "POST",
        "/admin/cooperation/institution/{w.upc.pk}/change/",
        staff(programme_admin=DONE, official_cdmx=FORBIDDEN, official_bcn=IGNORED),
        body=page_data(
            "/admin/cooperation/institution/{w.upc.pk}/change/", party=lambda w: w.cdmx.pk
        ),
        state=_values(lambda w: w.upc, "party"),
        label="moved to the other city",
    ),
    Row(
        "POST",
        "/admin/cooperation/institution/{w.upc.pk}/delete/",
        admin_only(DONE),
        body=lambda w: {"post": "yes"},
        state=_count(Institution, code="TEST-UPC"),
    ),
    # People and their accounts: administrators only.
    Row("GET", "/admin/cooperation/user/", admin_only(PAGE)),
    Row(
        "POST",
        "/admin/cooperation/user/{w.researcher.pk}/change/",
        admin_only(DONE),
        body=page_data("/admin/cooperation/user/{w.researcher.pk}/change/", last_name="Nuevo"),
        state=_values(lambda w: w.researcher, "last_name"),
    ),
    Row("GET", "/admin/auth/group/", admin_only(PAGE)),
    Row("GET", "/admin/auth/group/add/", admin_only(FORBIDDEN)),
    # Secrets and sign-in records: no role, only a superuser.
    Row("GET", "/admin/account/emailaddress/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/mfa/authenticator/", admin_only(FORBIDDEN)),
    # Single sign-on links and apps (the providers themselves come from the environment).
    Row("GET", "/admin/socialaccount/socialaccount/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/socialaccount/socialapp/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/socialaccount/socialtoken/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/oauth2_provider/application/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/oauth2_provider/accesstoken/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/oauth2_provider/refreshtoken/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/oauth2_provider/grant/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/oauth2_provider/idtoken/", admin_only(FORBIDDEN)),
    # Schedules: administrators change them; officials read.
    Row("GET", "/admin/django_celery_beat/periodictask/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/django_celery_beat/periodictask/{w.task.pk}/delete/",
        admin_only(DONE),
        body=lambda w: {"post": "yes"},
        state=_count(PeriodicTask, name="Prueba"),
    ),
    Row("GET", "/admin/django_celery_beat/intervalschedule/", all_staff(PAGE)),
    Row("GET", "/admin/django_celery_beat/crontabschedule/", all_staff(PAGE)),
    Row("GET", "/admin/django_celery_beat/clockedschedule/", admin_only(FORBIDDEN)),
    Row("GET", "/admin/django_celery_beat/solarschedule/", admin_only(FORBIDDEN)),
    # Partner clients (an institution's or a city's): officials read, administrators change.
    Row("GET", "/admin/api/partnerprofile/", all_staff(PAGE)),
    Row("GET", "/admin/api/partnerprofile/add/", admin_only(PAGE)),
    Row(
        "POST",
        "/admin/api/partnerprofile/",
        admin_only(Expect(302, changed=True), others=IGNORED),
        body=_action("revoke", lambda w: w.partner),
        state=_values(lambda w: w.partner, "revoked_at"),
        label="revoke",
    ),
    Row("GET", "/admin/api/webhookendpoint/", all_staff(PAGE)),
    Row("GET", "/admin/api/webhookdelivery/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/api/webhookdelivery/",
        admin_only(Expect(302, changed=True), others=IGNORED),
        body=_action("replay_deliveries", lambda w: w.delivery),
        state=_values(lambda w: w.delivery, "status"),
        label="replay",
    ),
    # Calls for stays: officials of both cities run them together.
    Row("GET", "/admin/exchanges/call/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/exchanges/call/{w.call.pk}/change/",
        all_staff(DONE),
        body=page_data("/admin/exchanges/call/{w.call.pk}/change/", title_es="Cambiada"),
        state=_values(lambda w: w.call, "title_es"),
    ),
    Row("GET", "/admin/exchanges/stayapplication/", all_staff(PAGE)),
    Row("GET", "/admin/exchanges/stayapplication/add/", all_staff(FORBIDDEN)),
    Row("GET", "/admin/exchanges/reviewassignment/", all_staff(PAGE)),
    # Joint projects: every official reads every project; changes those of their city.
    Row("GET", "/admin/projects/jointproject/", all_staff(PAGE)),
    Row("GET", "/admin/projects/jointproject/{w.project_cdmx.pk}/change/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/projects/jointproject/{w.project_cdmx.pk}/change/",
        CDMX_SIDE,
        body=page_data(
            "/admin/projects/jointproject/{w.project_cdmx.pk}/change/", title_es="Cambiado"
        ),
        state=_values(lambda w: w.project_cdmx, "title_es"),
    ),
    Row(
        "POST",
        "/admin/projects/jointproject/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=Expect(302, changed=False)),
        body=_action("move_to_cancelled", lambda w: w.project_cdmx),
        state=_values(lambda w: w.project_cdmx, "status"),
        label="cancel (the service refuses the other city)",
    ),
    Row(
        "POST",
        "/admin/projects/jointproject/{w.project_cdmx.pk}/delete/",
        staff(programme_admin=DONE, official_cdmx=FORBIDDEN, official_bcn=FORBIDDEN),
        body=lambda w: {"post": "yes"},
        state=_count(JointProject, title_es="Solo CDMX"),
    ),
    Row("GET", "/admin/projects/exchangerate/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/projects/exchangerate/add/",
        all_staff(DONE),
        body=lambda w: {"date": "2026-05-01", "base": "EUR", "quote": "MXN", "rate": "20.5"},
        state=_count(ExchangeRate, date=datetime.date(2026, 5, 1)),
    ),
    # Indicators and their measurements, under the same rule as the project's other parts.
    Row("GET", "/admin/projects/indicator/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/projects/indicator/add/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=IGNORED),
        body=_indicator_body(lambda w: w.project_cdmx),
        state=_count(Indicator, name="Nuevas personas"),
        label="into the CDMX project, with a measurement",
    ),
    Row(
        "POST",
        "/admin/projects/indicator/{w.indicator_bcn.pk}/change/",
        staff(programme_admin=DONE, official_cdmx=FORBIDDEN, official_bcn=IGNORED),
        body=page_data(
            "/admin/projects/indicator/{w.indicator_bcn.pk}/change/",
            project=lambda w: w.project_cdmx.pk,
        ),
        state=_values(lambda w: w.indicator_bcn, "project"),
        label="moved into the CDMX project",
    ),
    Row(
        "POST",
        "/admin/projects/indicator/{w.indicator_cdmx.pk}/change/",
        CDMX_SIDE,
        body=page_data(
            "/admin/projects/indicator/{w.indicator_cdmx.pk}/change/",
            **{
                "measurements-TOTAL_FORMS": "1",
                "measurements-0-date": "2026-07-31",
                "measurements-0-value": "5",
            },
        ),
        state=_count(Measurement, value=Decimal("5")),
        label="a measurement added",
    ),
    # The history of a project's parts: read, never written.
    *(
        Row("GET", f"/admin/projects/historical{part}/", all_staff(PAGE))
        for part in (
            "participation",
            "fundingcommitment",
            "milestone",
            "indicator",
            "measurement",
            "teammember",
        )
    ),
    Row("GET", "/admin/projects/historicalmilestone/add/", all_staff(FORBIDDEN)),
    # Project imports: an official reads the imports they asked for (another's is not found).
    Row("GET", "/admin/projects/projectimport/", all_staff(PAGE)),
    Row(
        "GET",
        "/admin/projects/projectimport/{w.project_import.pk}/change/",
        staff(programme_admin=PAGE, official_cdmx=PAGE, official_bcn=Expect(302)),
    ),
    # Practices: every official reads them; the city of origin's review and correct them.
    Row("GET", "/admin/knowledge/practice/", all_staff(PAGE)),
    Row("GET", "/admin/knowledge/practice/{w.practice_bcn.pk}/change/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/knowledge/practice/add/",
        staff(programme_admin=DONE, official_cdmx=IGNORED, official_bcn=DONE),
        body=_practice_body,
        state=_count(Practice, title_es="Nueva práctica"),
        label="a BCN practice",
    ),
    Row(
        "POST",
        "/admin/knowledge/practice/{w.practice_bcn.pk}/change/",
        BCN_SIDE,
        body=page_data(
            "/admin/knowledge/practice/{w.practice_bcn.pk}/change/", title_es="Corregida"
        ),
        state=_values(lambda w: w.practice_bcn, "title_es"),
    ),
    Row(
        "POST",
        "/admin/knowledge/practice/",
        SERVICE_REFUSES_CDMX,
        body=_action("publish", lambda w: w.practice_bcn),
        state=_values(lambda w: w.practice_bcn, "status"),
        label="publish (the service refuses the other city)",
    ),
    Row(
        "POST",
        "/admin/knowledge/practice/{w.practice_bcn.pk}/review/",
        SERVICE_REFUSES_CDMX,
        body=lambda w: {"to_status": "returned", "note": "Falta la evidencia."},
        state=_values(lambda w: w.practice_bcn, "status", "review_note"),
        label="return with a note",
    ),
    Row(
        "POST",
        "/admin/knowledge/practice/{w.practice_bcn.pk}/delete/",
        admin_only(DONE),
        body=lambda w: {"post": "yes"},
        state=_count(Practice, title_es="Práctica BCN"),
    ),
    # Transfers: every official reads them; the adopting city's keep them.
    Row("GET", "/admin/knowledge/transfer/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/knowledge/transfer/add/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=IGNORED),
        body=_transfer_body,
        state=_count(Transfer),
        label="to the CDMX institution",
    ),
    Row(
        "POST",
        "/admin/knowledge/transfer/{w.transfer_cdmx.pk}/change/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=FORBIDDEN),
        body=page_data("/admin/knowledge/transfer/{w.transfer_cdmx.pk}/change/", public="on"),
        state=_values(lambda w: w.transfer_cdmx, "public"),
    ),
    Row(
        "POST",
        "/admin/knowledge/transfer/",
        staff(programme_admin=DONE, official_cdmx=DONE, official_bcn=Expect(302, changed=False)),
        body=_action("move_to_planning", lambda w: w.transfer_cdmx),
        state=_values(lambda w: w.transfer_cdmx, "stage"),
        label="to planning (the service refuses the other city)",
    ),
    # Events: every official reads them; the event's city's keep them (registrations are
    # read only, inside their event).
    Row("GET", "/admin/knowledge/event/", all_staff(PAGE)),
    Row("GET", "/admin/knowledge/event/{w.event_bcn.pk}/change/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/knowledge/event/add/",
        staff(programme_admin=DONE, official_cdmx=IGNORED, official_bcn=DONE),
        body=_event_body,
        state=_count(Event, title_es="Nuevo seminario"),
        label="a BCN event",
    ),
    Row(
        "POST",
        "/admin/knowledge/event/{w.event_bcn.pk}/change/",
        BCN_SIDE,
        body=page_data("/admin/knowledge/event/{w.event_bcn.pk}/change/", places="9"),
        state=_values(lambda w: w.event_bcn, "places"),
    ),
    Row(
        "POST",
        "/admin/knowledge/event/",
        SERVICE_REFUSES_CDMX,
        body=_action("cancel", lambda w: w.event_bcn),
        state=_values(lambda w: w.event_bcn, "status"),
        label="cancel (the service refuses the other city)",
    ),
    Row(
        "POST",
        "/admin/knowledge/event/{w.event_bcn.pk}/delete/",
        all_staff(FORBIDDEN),
        body=lambda w: {"post": "yes"},
        state=_count(Event),
    ),
    # Outgoing e-mail: officials of both cities see the failures and send them again.
    Row("GET", "/admin/outbox/outgoingemail/", all_staff(PAGE)),
    Row("GET", "/admin/outbox/outgoingemail/{w.email.pk}/change/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/outbox/outgoingemail/",
        all_staff(Expect(302, changed=True)),
        body=_action("resend", lambda w: w.email),
        state=_values(lambda w: w.email, "state"),
        label="resend",
    ),
    # Officials' report schedules: each caller's own only.
    Row("GET", "/admin/reports/reportschedule/", all_staff(PAGE)),
    Row("GET", "/admin/reports/reportschedule/add/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/reports/reportschedule/add/",
        all_staff(DONE),
        body=lambda w: _schedule_form(),
        state=_count(ReportSchedule),
    ),
    Row(
        "GET",
        "/admin/reports/reportschedule/{w.schedule.pk}/change/",
        staff(programme_admin=NOT_THEIRS, official_cdmx=PAGE, official_bcn=NOT_THEIRS),
    ),
    Row(
        "POST",
        "/admin/reports/reportschedule/{w.schedule.pk}/change/",
        staff(programme_admin=NOT_THEIRS, official_cdmx=DONE, official_bcn=NOT_THEIRS),
        body=lambda w: _schedule_form(frequency="daily"),
        state=_values(lambda w: w.schedule, "frequency"),
    ),
    Row(
        "POST",
        "/admin/reports/reportschedule/{w.schedule.pk}/delete/",
        staff(programme_admin=NOT_THEIRS, official_cdmx=DONE, official_bcn=NOT_THEIRS),
        body=lambda w: {"post": "yes"},
        state=_count(ReportSchedule),
    ),
    # The lists behind the officials' questions, and the reminder setting.
    Row("GET", "/admin/reports/unengagedecosinstitution/", all_staff(PAGE)),
    Row("GET", "/admin/reports/periodstay/?host_city=BCN&date_from=2026-01-01", all_staff(PAGE)),
    Row(
        "GET",
        "/admin/reports/periodapplication/?host_city=BCN&date_from=2026-01-01&awarded=yes&axis=3",
        all_staff(PAGE),
    ),
    Row("GET", "/admin/exchanges/waitingapplication/", all_staff(PAGE)),
    Row("GET", "/admin/exchanges/hostreminderpolicy/", all_staff(Expect(302))),
    Row(
        "GET",
        "/admin/exchanges/hostreminderpolicy/{w.reminder_policy.pk}/change/",
        all_staff(PAGE),
    ),
    Row(
        "POST",
        "/admin/exchanges/hostreminderpolicy/{w.reminder_policy.pk}/change/",
        all_staff(DONE),
        body=lambda w: {"days": "4", "active": "on"},
        state=_values(lambda w: w.reminder_policy, "days"),
    ),
    # Reports.
    Row("GET", "/admin/reports/reportrun/", all_staff(PAGE)),
    Row("GET", "/admin/reports/reportrun/add/", all_staff(PAGE)),
    Row("GET", "/admin/reports/reportrun/{w.run.pk}/change/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/reports/reportrun/{w.run.pk}/delete/",
        admin_only(DONE),
        body=lambda w: {"post": "yes"},
        state=_count(ReportRun),
    ),
    # Open data: officials and administrators read releases and publish again (a new
    # release through the service); nobody edits or deletes one; they keep the settings.
    Row("GET", "/admin/opendata/release/", all_staff(PAGE)),
    Row("GET", "/admin/opendata/release/{w.release.pk}/change/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/opendata/release/",
        all_staff(Expect(302, changed=True)),
        body=_action("publish_again", lambda w: w.release),
        state=_count(Release),
        label="publish again",
    ),
    Row(
        "POST",
        "/admin/opendata/release/{w.release.pk}/delete/",
        all_staff(FORBIDDEN),
        body=lambda w: {"post": "yes"},
        state=_count(Release),
    ),
    Row("GET", "/admin/opendata/opendatasettings/", all_staff(PAGE)),
    Row(
        "POST",
        "/admin/opendata/opendatasettings/{w.opendata_settings.pk}/change/",
        all_staff(DONE),
        body=page_data(
            "/admin/opendata/opendatasettings/{w.opendata_settings.pk}/change/",
            retention_days="45",
        ),
        state=_values(lambda w: w.opendata_settings, "retention_days"),
    ),
]


# --- Running a cell -------------------------------------------------------------------------------


def _client(caller: str, request: pytest.FixtureRequest) -> Client:
    login = request.getfixturevalue("login")
    if caller == ANONYMOUS:
        return Client(HTTP_ACCEPT_LANGUAGE="en")
    if caller == PASSWORD_ONLY:
        return login(request.getfixturevalue("official_bcn"), second_factor=False)
    return login(request.getfixturevalue(PEOPLE[caller]))


def _errors(response: Any) -> Any:
    """What a form page that should have saved complains about."""
    context = getattr(response, "context", None)
    if not context or "adminform" not in context:
        return ""
    return [context["adminform"].form.errors] + [
        inline.formset.errors for inline in context.get("inline_admin_formsets", [])
    ]


def _check(row: Row, caller: str, world: World, request: pytest.FixtureRequest) -> None:
    expect = row.expect[caller]
    url = row.url.format(w=world)
    # A refusal at the door needs no real form; every other cell sends the page's own.
    body = row.body(world) if row.body and expect is not LOGIN else {}
    client = _client(caller, request)
    before = row.state(world) if row.state else None

    response = client.post(url, body) if row.method == "POST" else client.get(url)

    assert response.status_code == expect.status, (
        f"{caller} {row.method} {url}: expected {expect}, got {response.status_code} "
        f"{_errors(response)}"
    )
    if expect is LOGIN:
        location = response["Location"]
        assert location.startswith(("/admin/login/", "/accounts/")), location
    if row.state is not None and expect.changed is not None:
        after = row.state(world)
        if expect.changed:
            assert after != before, f"{caller}: an accepted change changed nothing"
        else:
            assert after == before, f"{caller}: a refused change changed the database"


# Nobody, people without an admin role and a password-only session are sent to the sign-in
# on every row: one case per row checks them all (each cell still checked), which keeps the
# table's run short.
OUTSIDERS = [c for c in CALLERS if c not in STAFF]


def _cases() -> list[Any]:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "give rows on one address a label"
    cases = []
    for row in ROWS:
        assert set(row.expect) == set(CALLERS), row.id
        for caller in STAFF:
            expect = row.expect[caller]
            marks = [pytest.mark.xfail(strict=True, reason=expect.xfail)] if expect.xfail else []
            cases.append(pytest.param(row, caller, id=f"{row.id} as {caller}", marks=marks))
        cases.append(pytest.param(row, "outsiders", id=f"{row.id} as the others"))
    return cases


@pytest.mark.parametrize(("row", "caller"), _cases())
def test_admin_access(row: Row, caller: str, request: pytest.FixtureRequest) -> None:
    world = World(request)
    for who in OUTSIDERS if caller == "outsiders" else [caller]:
        _check(row, who, world, request)


def test_the_table_covers_every_registered_admin_model() -> None:
    """A model registered in the admin without a row fails here: add its rows to ``ROWS``."""
    covered = {".".join(row.url.split("/")[2:4]) for row in ROWS if row.url.count("/") > 3}
    registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in admin.site._registry}
    assert registered <= covered, sorted(registered - covered)

"""Random sequences of actions by random actors keep the MoU's rules (hypothesis, real PostgreSQL).

Researchers, host coordinators, reviewers, the officials of each city, an administrator and the
system (places freed by a withdrawal or a cancellation, places added to a host) act on a few
calls and projects through the services, as the portal, the admin and the API do. After every
step the invariants below must hold, and a refused action must have changed nothing.

Bounded and derandomized in ``make test``; a larger run (README, "Researcher stays"):
``bench/stays_state_machine.sh`` (``STAYS_MACHINE_EXAMPLES`` and ``STAYS_MACHINE_STEPS`` set the
size; ``STAYS_MACHINE_SEED`` turns derandomization off for a fresh random run).
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from cooperation.models import Party
from cooperation.roles import Role
from exchanges import services
from exchanges.models import (
    ApplicationEvent,
    CallChange,
    CallHost,
    Direction,
    HostDecision,
    ReviewAssignment,
    Score,
    Signature,
    Stay,
    StayApplication,
)
from exchanges.services.rules import host_today
from exchanges.workflow import CO_SIGNED, HOLDS_PLACE
from projects import services as project_services
from projects.models import JointProject, Participation, ProjectEvent, ProjectStatus
from tests.exchanges.conftest import fill_draft
from tests.exchanges.factories import CallFactory, add_host, make_profile
from tests.factories import InstitutionFactory, UserFactory
from tests.projects.factories import ProjectFactory

pytestmark = pytest.mark.django_db
S = StayApplication.Status
EXAMPLES = int(os.environ.get("STAYS_MACHINE_EXAMPLES", "8"))
STEPS = int(os.environ.get("STAYS_MACHINE_STEPS", "25"))
# Statuses reached only through the host's acceptance.
AFTER_HOST = frozenset(
    {S.EVALUATION, S.REJECTED, S.WAITLISTED, S.APPROVED, S.AWARDED, S.IN_PROGRESS, S.COMPLETED}
)
PROJECT_BOTH_CITIES = frozenset(
    {ProjectStatus.APPROVED, ProjectStatus.ACTIVE, ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED}
)
REFUSED = (ValidationError, PermissionDenied)


def _world(official_cdmx, official_bcn, programme_admin) -> dict[str, Any]:
    """Build the people, two calls, four draft applications and two projects (once)."""
    cdmx, bcn = Party.objects.get(code="CDMX"), Party.objects.get(code="BCN")
    home_cdmx = InstitutionFactory(code="SM-HOME-CDMX", party=cdmx)
    host_a = InstitutionFactory(code="SM-HOST-A", party=bcn)
    host_b = InstitutionFactory(code="SM-HOST-B", party=bcn)
    host_c = InstitutionFactory(code="SM-HOST-C", party=cdmx)
    today = timezone.localdate()
    window = {
        "stays_from": today - datetime.timedelta(days=40),
        "stays_until": today + datetime.timedelta(days=300),
    }
    call_1 = CallFactory(direction=Direction.CDMX_TO_BCN, **window)
    call_2 = CallFactory(direction=Direction.BCN_TO_CDMX, **window)
    add_host(call_1, host_a, places=1)
    add_host(call_1, host_b, places=1)
    add_host(call_2, host_c, places=1)
    people: dict[str, Any] = {
        "official_cdmx": official_cdmx,
        "official_bcn": official_bcn,
        "admin": programme_admin,
    }
    for name, institution in (("coord_a", host_a), ("coord_b", host_b), ("coord_c", host_c)):
        people[name] = UserFactory(
            email=f"{name}@sm.example", institution=institution, roles=[Role.COORDINATOR]
        )
    reviewers = [UserFactory(email=f"rev{i}@sm.example", roles=[Role.REVIEWER]) for i in range(2)]
    people.update({f"rev{i}": r for i, r in enumerate(reviewers)})
    applications = []
    for i, (call, home, host) in enumerate(
        [
            (call_1, home_cdmx, host_a),
            (call_1, home_cdmx, host_a),
            (call_1, home_cdmx, host_b),
            (call_2, host_b, host_c),
        ]
    ):
        researcher = UserFactory(email=f"res{i}@sm.example", roles=[Role.RESEARCHER])
        make_profile(researcher, home)
        people[f"res{i}"] = researcher
        draft = services.application_start(actor=researcher, call=call)
        applications.append(fill_draft(draft, researcher, host).pk)
    projects = [
        ProjectFactory(institutions=[home_cdmx]).pk,  # one city only: cannot be approved
        ProjectFactory(institutions=[home_cdmx, host_a]).pk,
    ]
    return {
        "people": people,
        "reviewers": reviewers,
        "applications": applications,
        "call_hosts": list(CallHost.objects.order_by("pk").values_list("pk", flat=True)),
        "projects": projects,
        "institutions": [home_cdmx, host_a, host_b, host_c],
    }


class StaysMachine(RuleBasedStateMachine):
    world: dict[str, Any]
    reached: set[str]

    def __init__(self) -> None:
        super().__init__()
        # Every example starts from the same world and leaves nothing behind.
        self.savepoint = transaction.savepoint()
        self.refusals = 0
        self.moves = 0

    def teardown(self) -> None:
        transaction.savepoint_rollback(self.savepoint)

    # --- helpers -------------------------------------------------------------------------------

    def _person(self, name: str) -> Any:
        return self.world["people"][name]

    def _app(self, index: int) -> StayApplication:
        return StayApplication.objects.get(pk=self.world["applications"][index])

    def _attempt(self, action: Callable[[], Any]) -> None:
        before = _fingerprint()
        try:
            action()
        except REFUSED:
            self.refusals += 1
            assert _fingerprint() == before, "a refused action changed something"
        else:
            self.moves += 1
            self.reached.update(StayApplication.objects.values_list("status", flat=True))

    # --- a cooperative user: the next normal step, so that random runs reach deep states --------

    @rule(app=st.integers(0, 4), steps=st.integers(1, 14))
    def advance(self, app: int, steps: int) -> None:
        """Take the next normal steps of one application (4: of each in turn)."""
        for turn in range(steps):
            application = self._app(turn % 4 if app == 4 else app)
            step = self._next_step(application)
            if step is None:
                if app == 4:
                    continue
                return
            self._attempt(step)

    @rule()
    def compete_for_a_place(self) -> None:
        """Two researchers go as far as they can for host A's one place, one after the other."""
        for app in (0, 1):
            for _ in range(12):
                step = self._next_step(self._app(app))
                if step is None:
                    break
                self._attempt(step)

    def _next_step(self, application: StayApplication) -> Callable[[], Any] | None:
        pk, researcher = application.pk, application.researcher
        official = self._person("official_cdmx")
        reviewer = self.world["reviewers"][0]
        if application.status == S.DRAFT:
            return lambda: services.application_submit(
                actor=researcher, application_id=pk, consent=True
            )
        if application.status == S.HOST_REVIEW:
            coordinator = next(
                p
                for name, p in self.world["people"].items()
                if name.startswith("coord") and p.institution_id == application.host_id
            )
            return lambda: services.host_accept(
                actor=coordinator,
                application_id=pk,
                supervisor_name="Dr. Roca",
                supervisor_email="roca@example.org",
                confirmed_start=application.start_date,
                confirmed_end=application.end_date,
            )
        if application.status == S.HOST_ACCEPTED:
            return lambda: services.review_assign(
                actor=official, application_id=pk, reviewer=reviewer
            )
        if application.status in (S.EVALUATION, S.WAITLISTED):
            assignment = ReviewAssignment.objects.filter(application=application).first()
            if assignment is not None and assignment.has_conflict is None:
                return lambda: services.conflict_declare(
                    actor=assignment.reviewer,
                    assignment_id=assignment.pk,
                    has_conflict=False,
                    shown=services.conflict_disclosure_token(assignment),
                )
            if assignment is not None and assignment.submitted_at is None:
                criteria = application.call.criteria.all()
                return lambda: services.scores_submit(
                    actor=assignment.reviewer,
                    assignment_id=assignment.pk,
                    scores={c.pk: (pk * 3) % 11 for c in criteria},
                )
            signed = set(application.signatures.values_list("party__code", flat=True))
            name = "official_bcn" if "CDMX" in signed else "official_cdmx"
            if {"CDMX", "BCN"} <= signed:
                return None
            return lambda: services.application_sign(actor=self._person(name), application_id=pk)
        if application.status == S.APPROVED:
            return lambda: services.award_confirm(actor=researcher, application_id=pk)
        if application.status == S.AWARDED:
            today = host_today(application)
            data = {
                "arrived_on": today - datetime.timedelta(days=1),
                "departed_on": today,
                "visa_status": "granted",
            }
            return lambda: services.stay_update(actor=researcher, application_id=pk, data=data)
        if application.status == S.IN_PROGRESS:
            stay = Stay.objects.get(application=application)
            if stay.report_submitted_at is None:
                return lambda: services.final_report_submit(
                    actor=researcher, application_id=pk, text="R", upload=None
                )
            return lambda: services.final_report_accept(
                actor=self._person("official_bcn"), application_id=pk
            )
        return None

    # --- researchers ---------------------------------------------------------------------------

    @rule(app=st.integers(0, 3), who=st.sampled_from(["own", "res0", "official_bcn"]))
    def submit(self, app: int, who: str) -> None:
        actor = self._app(app).researcher if who == "own" else self._person(who)
        self._attempt(
            lambda: services.application_submit(
                actor=actor, application_id=self.world["applications"][app], consent=True
            )
        )

    @rule(app=st.integers(0, 3), who=st.sampled_from(["own", "res1"]))
    def withdraw(self, app: int, who: str) -> None:
        actor = self._app(app).researcher if who == "own" else self._person(who)
        self._attempt(
            lambda: services.application_withdraw(
                actor=actor, application_id=self.world["applications"][app]
            )
        )

    @rule(app=st.integers(0, 3))
    def confirm(self, app: int) -> None:
        application = self._app(app)
        self._attempt(
            lambda: services.award_confirm(
                actor=application.researcher, application_id=application.pk
            )
        )

    @rule(
        app=st.integers(0, 3),
        arrival=st.one_of(st.none(), st.integers(-6, 3)),
        length=st.one_of(st.none(), st.integers(-1, 8)),
        visa=st.sampled_from(["", "granted", "pending", "refused", "not_needed"]),
    )
    def record_stay(self, app: int, arrival: int | None, length: int | None, visa: str) -> None:
        application = self._app(app)
        today = host_today(application)
        arrived = today + datetime.timedelta(days=arrival) if arrival is not None else None
        departed = (
            arrived + datetime.timedelta(days=length) if arrived and length is not None else None
        )
        data = {"arrived_on": arrived, "departed_on": departed, "visa_status": visa}
        self._attempt(
            lambda: services.stay_update(
                actor=application.researcher, application_id=application.pk, data=data
            )
        )

    @rule(app=st.integers(0, 3))
    def hand_in_report(self, app: int) -> None:
        application = self._app(app)
        self._attempt(
            lambda: services.final_report_submit(
                actor=application.researcher, application_id=application.pk, text="R", upload=None
            )
        )

    # --- hosts and reviewers -------------------------------------------------------------------

    @rule(
        app=st.integers(0, 3),
        who=st.sampled_from(["coord_a", "coord_b", "coord_c", "res0"]),
        accept=st.booleans(),
    )
    def host_decides(self, app: int, who: str, accept: bool) -> None:
        application = self._app(app)
        actor = self._person(who)
        if accept:
            self._attempt(
                lambda: services.host_accept(
                    actor=actor,
                    application_id=application.pk,
                    supervisor_name="Dra. Puig",
                    supervisor_email="puig@example.org",
                    confirmed_start=application.start_date,
                    confirmed_end=application.end_date,
                )
            )
        else:
            self._attempt(
                lambda: services.host_decline(
                    actor=actor, application_id=application.pk, reason="Sin espacio"
                )
            )

    @rule(
        app=st.integers(0, 3),
        who=st.sampled_from(["official_cdmx", "admin", "coord_a"]),
        reviewer=st.integers(0, 1),
    )
    def assign(self, app: int, who: str, reviewer: int) -> None:
        self._attempt(
            lambda: services.review_assign(
                actor=self._person(who),
                application_id=self.world["applications"][app],
                reviewer=self.world["reviewers"][reviewer],
            )
        )

    @rule(
        app=st.integers(0, 3),
        reviewer=st.integers(0, 1),
        conflict=st.booleans(),
        value=st.integers(0, 10),
    )
    def review(self, app: int, reviewer: int, conflict: bool, value: int) -> None:
        actor = self.world["reviewers"][reviewer]
        assignment = ReviewAssignment.objects.filter(
            application_id=self.world["applications"][app], reviewer=actor
        ).first()
        if assignment is None:
            return
        self._attempt(
            lambda: services.conflict_declare(
                actor=actor,
                assignment_id=assignment.pk,
                has_conflict=conflict,
                shown=services.conflict_disclosure_token(assignment),
            )
        )
        criteria = assignment.application.call.criteria.all()
        self._attempt(
            lambda: services.scores_submit(
                actor=actor, assignment_id=assignment.pk, scores={c.pk: value for c in criteria}
            )
        )

    # --- officials -----------------------------------------------------------------------------

    @rule(
        app=st.integers(0, 3),
        who=st.sampled_from(["official_cdmx", "official_bcn", "admin", "coord_a"]),
    )
    def sign(self, app: int, who: str) -> None:
        self._attempt(
            lambda: services.application_sign(
                actor=self._person(who), application_id=self.world["applications"][app]
            )
        )

    @rule(
        app=st.integers(0, 3),
        who=st.sampled_from(["official_cdmx", "official_bcn", "res2"]),
        cancel=st.booleans(),
    )
    def reject_or_cancel(self, app: int, who: str, cancel: bool) -> None:
        service = services.application_cancel if cancel else services.application_reject
        self._attempt(
            lambda: service(
                actor=self._person(who), application_id=self.world["applications"][app], note="n"
            )
        )

    @rule(app=st.integers(0, 3), who=st.sampled_from(["official_bcn", "res3"]))
    def accept_report(self, app: int, who: str) -> None:
        self._attempt(
            lambda: services.final_report_accept(
                actor=self._person(who), application_id=self.world["applications"][app]
            )
        )

    @rule(
        host=st.integers(0, 2),
        delta=st.integers(-1, 2),
        who=st.sampled_from(["official_cdmx", "admin", "coord_a"]),
    )
    def change_places(self, host: int, delta: int, who: str) -> None:
        """An official adds (the system then fills them) or removes places of a host."""
        call_host = CallHost.objects.get(pk=self.world["call_hosts"][host])
        rows = [
            services.HostRow(
                pk=h.pk,
                institution=h.institution,
                places=h.places + delta if h.pk == call_host.pk else h.places,
            )
            for h in CallHost.objects.filter(call_id=call_host.call_id).select_related(
                "institution"
            )
        ]
        self._attempt(
            lambda: services.call_hosts_set(
                actor=self._person(who), call_id=call_host.call_id, rows=rows
            )
        )

    # --- projects ------------------------------------------------------------------------------

    @rule(
        project=st.integers(0, 1),
        to_status=st.sampled_from(ProjectStatus.values),
        who=st.sampled_from(["official_cdmx", "official_bcn", "admin", "coord_a"]),
    )
    def move_project(self, project: int, to_status: str, who: str) -> None:
        target = JointProject.objects.get(pk=self.world["projects"][project])
        self._attempt(
            lambda: project_services.project_transition(
                actor=self._person(who), project=target, to_status=to_status
            )
        )

    @rule(
        project=st.integers(0, 1),
        institution=st.integers(0, 3),
        add=st.booleans(),
        who=st.sampled_from(["official_cdmx", "official_bcn", "admin"]),
    )
    def change_participation(self, project: int, institution: int, add: bool, who: str) -> None:
        target = JointProject.objects.get(pk=self.world["projects"][project])
        chosen = self.world["institutions"][institution]
        actor = self._person(who)
        if add:
            self._attempt(
                lambda: project_services.participation_add(
                    actor=actor, project=target, institution=chosen
                )
            )
            return
        participation = Participation.objects.filter(project=target, institution=chosen).first()
        if participation is not None:
            self._attempt(
                lambda: project_services.participation_remove(
                    actor=actor, project=target, participation=participation
                )
            )

    # --- the MoU's rules -----------------------------------------------------------------------

    @invariant()
    def no_award_without_both_cities(self) -> None:
        parties = set(Party.objects.values_list("pk", flat=True))
        signed: dict[int, set[int]] = {}
        for application_id, party_id, official_party in Signature.objects.values_list(
            "application_id", "party_id", "official__party_id"
        ):
            if party_id == official_party:
                signed.setdefault(application_id, set()).add(party_id)
        for pk in StayApplication.objects.filter(status__in=CO_SIGNED).values_list("pk", flat=True):
            assert signed.get(pk, set()) >= parties, f"#{pk} awarded without both cities"

    @invariant()
    def nothing_in_evaluation_without_the_host(self) -> None:
        accepted = set(
            HostDecision.objects.filter(accepted=True).values_list("application_id", flat=True)
        )
        for pk in StayApplication.objects.filter(status__in=AFTER_HOST).values_list(
            "pk", flat=True
        ):
            assert pk in accepted, f"#{pk} past the host without its acceptance"

    @invariant()
    def places_never_over_allocated(self) -> None:
        held = Count(
            "call__applications",
            filter=Q(call__applications__status__in=HOLDS_PLACE)
            & Q(call__applications__host_id=F("institution_id")),
        )
        for call_host in CallHost.objects.annotate(held=held):
            assert call_host.held <= call_host.places, f"{call_host} holds {call_host.held}"

    @invariant()
    def no_approved_project_without_both_cities(self) -> None:
        parties = set(Party.objects.values_list("pk", flat=True))
        cities: dict[int, set[int]] = {}
        for project_id, party_id in Participation.objects.filter(
            project__status__in=PROJECT_BOTH_CITIES
        ).values_list("project_id", "institution__party_id"):
            cities.setdefault(project_id, set()).add(party_id)
        for pk in JointProject.objects.filter(status__in=PROJECT_BOTH_CITIES).values_list(
            "pk", flat=True
        ):
            assert cities.get(pk, set()) >= parties, f"project {pk} approved with one city"

    @invariant()
    def every_status_change_has_its_timeline_row(self) -> None:
        # The timeline is a chain: each row starts where the previous one ended, and the last
        # one ends at the record's status (a note row goes from the status to itself).
        for model, events, parent, first in (
            (StayApplication, ApplicationEvent, "application_id", ""),
            (JointProject, ProjectEvent, "project_id", ProjectStatus.PROPOSED),
        ):
            status = dict.fromkeys(model.objects.values_list("pk", flat=True), first)
            rows = events.objects.order_by(parent, "at", "pk").values_list(
                parent, "from_status", "to_status"
            )
            for pk, from_status, to_status in rows:
                assert from_status == status[pk], f"{model.__name__} {pk}: {from_status}"
                status[pk] = to_status
            for pk, current in model.objects.values_list("pk", "status"):
                assert status[pk] == current, f"{model.__name__} {pk} untracked {current}"


def _fingerprint() -> tuple[Any, ...]:
    """What a refused action must leave as it was."""
    return (
        list(StayApplication.objects.order_by("pk").values_list("pk", "status", "submitted_at")),
        ApplicationEvent.objects.count(),
        Signature.objects.count(),
        HostDecision.objects.count(),
        list(
            ReviewAssignment.objects.order_by("pk").values_list(
                "pk", "has_conflict", "submitted_at"
            )
        ),
        Score.objects.count(),
        list(
            Stay.objects.order_by("pk").values_list(
                "pk",
                "arrived_on",
                "departed_on",
                "visa_status",
                "report_submitted_at",
                "report_accepted_at",
            )
        ),
        list(CallHost.objects.order_by("pk").values_list("pk", "places")),
        CallChange.objects.count(),
        list(JointProject.objects.order_by("pk").values_list("pk", "status")),
        list(
            Participation.objects.order_by("pk").values_list("pk", "project_id", "institution_id")
        ),
        ProjectEvent.objects.count(),
    )


def test_random_actions_by_random_actors_keep_the_mous_rules(
    official_cdmx, official_bcn, programme_admin
):
    StaysMachine.world = _world(official_cdmx, official_bcn, programme_admin)
    StaysMachine.reached = set()
    run_state_machine_as_test(
        StaysMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=STEPS,
            derandomize="STAYS_MACHINE_SEED" not in os.environ,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
    # The run went deep, not only through refusals: awards, the waiting list, stays and their
    # completion were all reached (and checked) in some example.
    deep = {S.APPROVED, S.WAITLISTED, S.IN_PROGRESS, S.COMPLETED}
    assert {status.value for status in deep} <= StaysMachine.reached

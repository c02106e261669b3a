"""No input gives a 500 (issue 12, point 5).

Every URL pattern of the portal, the admin and ``/o/`` gets hostile path segments, query
values and form fields: NUL bytes, huge numbers, digits that are not ASCII, overlong strings,
invalid UTF-8 and lone surrogates, percent signs and path tricks. The answer may be a 400, a
404, a redirect or a page with a form error, in the person's language; never a 5xx. A sweep
sends one hostile request of each kind to every route as each role, so that no route is left
out; then hypothesis (bounded and derandomised, so the run is short and repeatable) combines
values freely.
"""

from __future__ import annotations

import itertools
from urllib.parse import quote, quote_from_bytes

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cooperation.models import User
from tests.projects.factories import (
    FundingFactory,
    IndicatorFactory,
    MilestoneFactory,
    TeamMemberFactory,
    joint_project,
)
from tests.security.routes import Route, routes

pytestmark = pytest.mark.django_db

# Raw bytes, percent-encoded as a client would send them.
HOSTILE_BYTES = [
    b"\x00",
    b"a\x00b",
    b"99999999999999999999999999",
    b"-1",
    "²³".encode(),  # digits to str.isdigit(), not to int()
    "٣".encode(),  # an Arabic-Indic digit
    b"\xff\xfe",  # not UTF-8
    b"\xc3\x28",  # a broken sequence
    b"\xed\xa0\x80",  # an encoded lone surrogate
    b"x" * 5000,
    b"../../etc/passwd",
    b"%",
    b"=cmd|' /C calc'!A0",
    b"<script>alert(1)</script>",
    "Ñandú ☃ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢".encode(),
    b"1e309",
    b"NaN",
    b"2026-02-30",
    b"99999-01-01",
]
# Query and form keys that the portal's and the admin's views read, and some they do not.
KEYS = [
    "q",
    "year",
    "city",
    "area",
    "institution",
    "status",
    "axes__id__exact",
    "public__exact",
    "party__id__exact",
    "call__id__exact",
    "created_at__year",
    "created_at__month",
    "created_at__day",
    "signed_on__year",
    "date__year",
    "history_date__year",
    "id__exact",
    "page",
    "p",
    "o",
    "e",
    "all",
    "_to_field",
    "_popup",
    "_changelist_filters",
    "term",
    "app_label",
    "model_name",
    "field_name",
    "next",
    "kind",
    "member",
    "milestone",
    "member_id",
    "milestone_id",
    "action",
    "decision",
    "note",
    "reason",
    "language",
    "title",
    "code",
    "name",
    "email",
    "login",
    "password",
    "grant_type",
    "client_id",
    "client_secret",
    "token",
    "scope",
    "select_across",
    "_selected_action",
    "index",
    "_save",
    "post",
    "confirm",
    "has_conflict",
    "explanation",
    "start_date",
    "end_date",
    "value",
    "date",
    "amount",
    "host",
]
ROLES = ["anonymous", "researcher", "coordinator", "official_cdmx", "programme_admin"]
# The admin answers only staff (others are sent to the sign-in): staff roles are enough there.
ADMIN_ROLES = ["official_cdmx", "programme_admin"]
SKIPPED = ("api/", "accounts/logout/")  # the API: schemathesis; signing out ends the session


def _encoded(raw: bytes) -> str:
    return quote_from_bytes(raw, safe="")


@pytest.fixture
def world(institution_cdmx, institution_bcn, coordinator, official_cdmx) -> list[int]:
    """Objects with ids, so that hostile input also reaches real change pages."""
    project = joint_project(status="active")
    indicator = IndicatorFactory(project=project)
    ids = [
        project.pk,
        indicator.pk,
        MilestoneFactory(project=project).pk,
        FundingFactory(project=project).pk,
        TeamMemberFactory(project=project, institution=institution_bcn).pk,
        institution_cdmx.pk,
        institution_bcn.pk,
        coordinator.pk,
        official_cdmx.pk,
    ]
    return sorted(set(ids))


@pytest.fixture
def clients(request, login) -> dict[str, Client]:
    made = {"anonymous": Client(HTTP_ACCEPT_LANGUAGE="es")}
    for role in ROLES[1:]:
        user: User = request.getfixturevalue(role)
        made[role] = login(user, language="ca")
    return made


def _route_table() -> list[tuple[Route, list[str]]]:
    """Each route to test and the roles that test it."""
    table = []
    for route in routes():
        text = route.route.replace("^", "")
        if text.startswith(SKIPPED) or "format>" in text:
            continue
        if text.startswith("admin/"):
            # The admin's pages share their code: one staff role each, alternately, keeps the
            # sweep short; hypothesis tries both.
            table.append((route, ADMIN_ROLES))
        elif text.startswith("o/"):
            table.append((route, ["anonymous"]))
        else:
            table.append((route, ROLES))
    return table


def _path_value(converter: str, raw: bytes, ids: list[int], index: int) -> str:
    if converter == "int":
        digits = "".join(ch for ch in raw.decode("latin-1") if ch in "0123456789")
        return digits or str(ids[index % len(ids)])
    return _encoded(raw)


def _send(client: Client, method: str, url: str, query: str, body: str) -> str | None:
    """Send the request; return what went wrong (a 5xx or an exception), or None."""
    address = f"{url}?{query}" if query else url
    try:
        # A savepoint: a failed request must not abort the test's transaction for the next.
        with transaction.atomic():
            if method == "get":
                response = client.get(address)
            else:
                response = client.post(
                    address, body, content_type="application/x-www-form-urlencoded"
                )
    except Exception as error:
        return f"{method.upper()} {address[:300]}: {type(error).__name__}: {error}"[:600]
    if response.status_code >= 500:
        return f"{method.upper()} {address[:300]}: {response.status_code}"
    return None


# Without NUL (which the input guard refuses before any view sees the rest).
MIXED = [raw for raw in HOSTILE_BYTES if b"\x00" not in raw]
# What an admin list filter is given in the sweep: numbers and dates too big, odd digits.
FILTER_VALUES = [
    b"99999999999999999999999999",
    b"-1",
    "²".encode(),
    b"\xff",
    b"x" * 3000,
    b"1e309",
    b"99999-01-01",
    b"99999",
    b"0",
]


def _mixed_query(keys: list[str], offset: int) -> str:
    """Every key with a different hostile value, none of them NUL."""
    return "&".join(
        f"{quote(key)}={_encoded(MIXED[(i + offset) % len(MIXED)])}" for i, key in enumerate(keys)
    )


@pytest.fixture
def changelist_keys(clients) -> dict[str, list[str]]:
    """The query parameters each admin list understands: its filters, search, order, page."""
    keys = {}
    for route in routes():
        if not (route.name.startswith("admin:") and route.name.endswith("_changelist")):
            continue
        response = clients["programme_admin"].get(route.url([]))
        context = getattr(response, "context", None)
        changelist = context.get("cl") if context else None
        if changelist is None:
            continue
        names = ["q", "o", "p", "all"]
        for spec in changelist.filter_specs:
            names += spec.expected_parameters()
        if changelist.date_hierarchy:
            field = changelist.date_hierarchy
            names += [f"{field}__year", f"{field}__month", f"{field}__day"]
        keys[route.url([])] = list(dict.fromkeys(names))
    return keys


def test_every_route_survives_hostile_requests(clients, world) -> None:
    """Every route, every role that may reach it: hostile path, query and body."""
    kinds = itertools.cycle(range(len(HOSTILE_BYTES)))
    table = _route_table()
    assert len(table) > 100
    sent, failures = 0, []
    for index, (route, roles) in enumerate(table):
        params = route.parameters
        if roles is ADMIN_ROLES:
            roles = [ADMIN_ROLES[index % len(ADMIN_ROLES)]]
        for role in roles:
            client = clients[role]
            raw = HOSTILE_BYTES[next(kinds)]
            url = route.url([_path_value(c, raw, world, i) for i, (c, _n) in enumerate(params)])
            query = _mixed_query(KEYS, index)
            failures.append(_send(client, "get", url, query, ""))
            failures.append(_send(client, "post", url, "", query))
            # NUL anywhere: refused before any view.
            failures.append(_send(client, "get", url, "q=a%00b", ""))
            sent += 3
            if params:
                # The page itself, with real ids, under a hostile query and body.
                plain = route.url(
                    [
                        _path_value("int", b"", world, i) if c == "int" else "1"
                        for i, (c, _n) in enumerate(params)
                    ]
                )
                failures.append(_send(client, "get", plain, query, ""))
                failures.append(_send(client, "post", plain, "", query))
                sent += 2
    assert sent > 500
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)


def test_every_admin_list_filter_survives_hostile_values(clients, changelist_keys) -> None:
    """Each parameter of each admin list, one at a time, with troublesome values (two each,
    in turn, so that every value meets many parameters and the sweep stays short)."""
    client = clients["official_cdmx"]
    assert len(changelist_keys) > 20
    turn = itertools.cycle(FILTER_VALUES)
    failures = [
        _send(client, "get", url, f"{quote(key)}={_encoded(next(turn))}", "")
        for url, keys in changelist_keys.items()
        for key in keys
        for _twice in range(2)
    ]
    failures = [f for f in failures if f]
    assert not failures, "\n".join(failures)


# Values hypothesis combines: hostile bytes, any text (NUL and controls included) and numbers.
values = st.one_of(
    st.sampled_from(HOSTILE_BYTES),
    st.text(max_size=40).map(lambda s: s.encode("utf-8", "surrogatepass")),
    st.integers(min_value=-(10**30), max_value=10**30).map(lambda n: str(n).encode()),
    st.binary(max_size=20),
)


@given(data=st.data())
@settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_hostile_input_never_gives_a_5xx(clients, world, changelist_keys, data) -> None:
    route, roles = data.draw(st.sampled_from(_route_table()), label="route")
    role = data.draw(st.sampled_from(roles), label="role")
    segments = [
        _path_value(converter, data.draw(values), world, data.draw(st.integers(0, 50)))
        for converter, _name in route.parameters
    ]
    url = route.url(segments)
    # An admin list's own parameters, or the keys the portal's views read.
    keys = changelist_keys.get(url, KEYS)
    pairs = data.draw(st.lists(st.tuples(st.sampled_from(keys), values), max_size=4))
    query = "&".join(f"{quote(k)}={_encoded(v)}" for k, v in pairs)
    method = data.draw(st.sampled_from(["get", "post"]), label="method")
    failure = _send(clients[role], method, url, query if method == "get" else "", query)
    assert failure is None, failure


# --- What the probe found, one by one ----------------------------------------------------------


def test_a_nul_in_a_portal_address_is_a_400_in_the_persons_language() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get("/projects/%00/")
    assert response.status_code == 400
    assert "No se admiten caracteres NUL" in response.content.decode()
    api = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/projects/?search=%00")
    assert api.status_code == 400
    assert api["Content-Type"] == "application/problem+json"


def test_a_nul_in_a_form_is_a_400(login, researcher) -> None:
    response = login(researcher, language="ca").post("/stays/profile/", {"orcid": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "year=99999999999999999999",
        "year=99999",
        "year=%C2%B2",
        "year=%00",
        "city=99999999999999999999",
        "area=%D9%A3",
        "institution=-1",
    ],
)
def test_admin_filters_take_any_value(login, official_cdmx, query) -> None:
    response = login(official_cdmx).get(f"/admin/projects/jointproject/?{query}")
    assert response.status_code in (200, 302, 400), response.status_code


def test_a_date_filter_of_twenty_digits_is_a_400(login, official_cdmx) -> None:
    response = login(official_cdmx).get(
        "/admin/reports/reportrun/?created_at__year=99999999999999999999"
    )
    assert response.status_code == 400


def test_the_admin_autocomplete_refuses_a_nul(login, official_cdmx) -> None:
    response = login(official_cdmx).get(
        "/admin/autocomplete/?term=a%00&app_label=projects&model_name=participation"
        "&field_name=institution"
    )
    assert response.status_code == 400


def _proposal(start: str) -> dict:
    return {
        "title": {"es": "Agua", "ca": "Aigua", "en": "Water"},
        "summary": {"es": "Resumen", "ca": "Resum", "en": "Summary"},
        "impact": {"es": "Impacto", "ca": "Impacte", "en": "Impact"},
        "primary_area": "URBAN_WATER",
        "start_date": start,
        "end_date": "2027-12-31",
    }


def test_the_api_refuses_a_start_year_its_code_cannot_carry(login, coordinator) -> None:
    from projects.models import JointProject

    api = login(coordinator)
    response = api.post(
        "/api/v1/projects/", _proposal("0999-01-01"), content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "start_date" in response.json()["errors"]
    assert not JointProject.objects.exists()
    accepted = api.post(
        "/api/v1/projects/", _proposal("2027-01-01"), content_type="application/json"
    )
    assert accepted.status_code == 201
    assert accepted.json()["code"].startswith("CDMX-BCN-2027-")


def test_a_project_code_is_never_made_for_a_year_of_three_digits(db) -> None:
    from django.core.exceptions import ValidationError

    from projects.models import next_project_code

    with pytest.raises(ValidationError):
        next_project_code(999)


def test_a_lone_surrogate_in_json_is_a_400(login, coordinator) -> None:
    body = '{"title": {"es": "\\ud800", "ca": "a", "en": "a"}}'
    response = login(coordinator).post("/api/v1/projects/", body, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"

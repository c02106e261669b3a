"""Reading the programme: translated reference data, filters, pagination, ETags, bad input."""

from __future__ import annotations

import pytest

from cooperation.api.throttling import PerClientThrottle
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


def test_areas_come_with_names_in_three_languages(api):
    response = api.get("/api/v1/areas/")
    assert response.status_code == 200
    areas = response.json()["results"]
    assert [a["number"] for a in areas] == list(range(1, 9))
    assert areas[4]["name"] == {
        "es": "Educación STEAM",
        "ca": "Educació STEAM",
        "en": "STEAM education",
    }


def test_a_single_axis_is_read_by_its_code(api):
    response = api.get("/api/v1/axes/GENDER_TRAINING/")
    assert response.status_code == 200
    assert response.json()["number"] == 3


def test_unknown_code_is_a_404_problem(api):
    response = api.get("/api/v1/axes/NOPE/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_an_unknown_address_under_the_api_is_a_404_problem(api):
    response = api.get("/api/v1/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_reads_carry_an_etag_and_answer_304_when_unchanged(api):
    first = api.get("/api/v1/areas/OPEN_SCIENCE/")
    etag = first["ETag"]
    assert etag.startswith('"')
    again = api.get("/api/v1/areas/OPEN_SCIENCE/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    lists = api.get("/api/v1/areas/")
    assert api.get("/api/v1/areas/", HTTP_IF_NONE_MATCH=lists["ETag"]).status_code == 304


def test_etag_changes_when_the_resource_changes(api):
    from cooperation.models import StrategicArea

    etag = api.get("/api/v1/areas/OPEN_SCIENCE/")["ETag"]
    StrategicArea.objects.filter(code="OPEN_SCIENCE").update(name_en="Open science")
    response = api.get("/api/v1/areas/OPEN_SCIENCE/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert response["ETag"] != etag


def test_institutions_filter_by_city_and_search(api, institution_cdmx, institution_bcn):
    cdmx = api.get("/api/v1/institutions/", {"city": "CDMX"}).json()["results"]
    assert [i["code"] for i in cdmx] == [institution_cdmx.code]
    found = api.get("/api/v1/institutions/", {"search": "Prova"}).json()["results"]
    assert [i["code"] for i in found] == [institution_bcn.code]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page_size": "1000"}, "page_size"),
        ({"page_size": "0"}, "page_size"),
        ({"page_size": "ten"}, "page_size"),
        ({"colour": "red"}, "colour"),
        ({"city": "MAD"}, "city"),
        ({"ecos_member": "perhaps"}, "ecos_member"),
    ],
)
def test_bad_query_parameters_are_a_400_problem_naming_them(api, params, field):
    response = api.get("/api/v1/institutions/", params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert field in response.json()["errors"]


def test_nul_bytes_in_the_address_are_refused(api):
    response = api.get("/api/v1/institutions/?search=a%00b")
    assert response.status_code == 400
    assert response.json()["detail"] == "NUL characters are not allowed in the address."


def test_cursor_pagination_walks_the_whole_list(api, cdmx):
    InstitutionFactory.create_batch(7, party=cdmx)
    seen: list[str] = []
    url = "/api/v1/institutions/?page_size=3"
    while url:
        body = api.get(url).json()
        seen += [i["code"] for i in body["results"]]
        url = body["next"]
    from cooperation.models import Institution

    assert len(seen) == len(set(seen)) == Institution.objects.count() == 8
    assert seen == sorted(seen)


@pytest.mark.parametrize("size", [5, 50])
def test_institution_list_runs_a_constant_number_of_queries(
    api, cdmx, size, django_assert_num_queries
):
    InstitutionFactory.create_batch(50, party=cdmx)
    # 1 token (with its application, partner profile and account), 1 page of
    # institutions with their city (select_related).
    with django_assert_num_queries(2):
        response = api.get(f"/api/v1/institutions/?page_size={size}")
    assert len(response.json()["results"]) == size


def test_too_many_requests_get_429_with_retry_after(api, monkeypatch):
    monkeypatch.setattr(PerClientThrottle, "THROTTLE_RATES", {"client": "3/min"})
    statuses = [api.get("/api/v1/axes/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = api.get("/api/v1/axes/")
    assert int(response["Retry-After"]) > 0
    assert response["Content-Type"] == "application/problem+json"


def test_each_client_has_its_own_request_budget(api, other_partner, token_client, monkeypatch):
    monkeypatch.setattr(PerClientThrottle, "THROTTLE_RATES", {"client": "2/min"})
    for _ in range(3):
        api.get("/api/v1/axes/")
    assert token_client(other_partner).get("/api/v1/axes/").status_code == 200


def test_schema_and_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    document = schema.json()
    assert document["openapi"].startswith("3.")
    operation = document["paths"]["/api/v1/webhooks/"]["post"]
    assert "application/problem+json" in operation["responses"]["409"]["content"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger-ui" in docs.content


def test_the_browsable_api_offers_every_filter_even_when_one_is_in_use(login, official_bcn):
    # A list builds only the filters its address uses; the form of the browsable API shows all.
    client = login(official_bcn)
    for address in ("/api/v1/projects/", "/api/v1/projects/?status=active"):
        page = client.get(address, HTTP_ACCEPT="text/html").content.decode()
        for name in ("status", "city", "area", "axis", "institution", "year", "public"):
            assert f'name="{name}"' in page, (address, name)


def test_the_api_answers_uncounted_when_redis_is_down(api, monkeypatch, caplog):
    import redis

    from cooperation.api import throttling

    # A server that refuses the connection (nothing listens on port 1).
    down = redis.Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    monkeypatch.setattr(throttling, "_redis", lambda: down)
    monkeypatch.setattr(PerClientThrottle, "THROTTLE_RATES", {"client": "1/min"})
    assert [api.get("/api/v1/axes/").status_code for _ in range(3)] == [200, 200, 200]
    assert "Redis unavailable" in caplog.text

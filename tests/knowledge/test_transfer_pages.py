"""The coordinators' transfer pages: record a transfer, keep it, move it through its stages."""

from __future__ import annotations

import pytest

from knowledge.models import Transfer
from tests.factories import InstitutionFactory
from tests.knowledge.factories import coordinator_of, draft, published, transfer

pytestmark = pytest.mark.django_db


@pytest.fixture
def bcn_practice(coordinator, official_bcn):
    return published(actor=coordinator, reviewer=official_bcn)


@pytest.fixture
def unam(institution_cdmx):
    """A coordinator of the CDMX institution, which takes up Barcelona's practices."""
    return coordinator_of(institution_cdmx, email="coordinacion@unam.example.org")


def _new(practice, **changes):
    return {
        "practice": practice.pk,
        "started_on": "2026-03-01",
        "origin_contact_name": "Marta Puig",
        "origin_contact_email": "marta@example.org",
        "adopter_contact_name": "Luis Ramírez",
        "adopter_contact_email": "luis@example.org",
        "adaptations_es": "Una oficina por alcaldía",
        **changes,
    }


def test_a_coordinator_records_a_transfer_and_moves_it_to_adoption(
    login, unam, bcn_practice, institution_cdmx
):
    client = login(unam)
    form = client.get(f"/knowledge/transfers/new/?practice={bcn_practice.pk}")
    assert form.status_code == 200
    assert f'<option value="{bcn_practice.pk}" selected>' in form.content.decode()
    response = client.post("/knowledge/transfers/new/", _new(bcn_practice))
    made = Transfer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/knowledge/transfers/{made.pk}/"
    assert (made.institution, made.stage, made.adaptations_es) == (
        institution_cdmx,
        "interest",
        "Una oficina por alcaldía",
    )
    url = f"/knowledge/transfers/{made.pk}/"
    for stage in ("planning", "pilot", "adopted"):
        moved = client.post(
            url, {"action": "move", "move-to_stage": stage, "move-on": "2026-11-30"}
        )
        assert moved.status_code == 302, moved.content.decode()
    made.refresh_from_db()
    assert (made.stage, str(made.ended_on)) == ("adopted", "2026-11-30")
    page = client.get(url).content.decode()
    assert "This transfer has reached its last stage." in page
    listing = client.get("/knowledge/transfers/").content.decode()
    assert "Oficina de Ciencia Ciudadana" in listing and "Adopted" in listing


def test_a_transfer_to_the_practices_own_city_is_refused_by_its_field(
    login, coordinator, bcn_practice
):
    response = login(coordinator).post("/knowledge/transfers/new/", _new(bcn_practice))
    assert response.status_code == 200
    html = response.content.decode()
    # Not offered (the other city's practices only), and refused if sent anyway.
    assert 'id="id_practice_error"' in html
    assert 'href="#id_practice"' in html  # the error summary links to the field
    assert not Transfer.objects.exists()


def test_a_duplicate_is_refused_in_the_users_language(login, unam, bcn_practice, official_cdmx):
    transfer(actor=official_cdmx, practice=bcn_practice, institution=unam.institution)
    response = login(unam, language="es").post("/knowledge/transfers/new/", _new(bcn_practice))
    assert response.status_code == 200
    assert (
        "Esta institución ya registra una transferencia de esta práctica."
        in response.content.decode()
    )
    assert Transfer.objects.count() == 1


def test_missing_contacts_are_refused_by_their_fields(login, unam, bcn_practice):
    response = login(unam, language="ca").post(
        "/knowledge/transfers/new/", _new(bcn_practice, origin_contact_email="")
    )
    html = response.content.decode()
    assert 'id="id_origin_contact_email_error"' in html
    assert "Aquest camp és obligatori." in html
    assert not Transfer.objects.exists()


@pytest.fixture
def made(bcn_practice, unam, official_cdmx):
    return transfer(actor=official_cdmx, practice=bcn_practice, institution=unam.institution)


def test_a_skipped_stage_is_not_offered_and_refused_if_sent(login, unam, made):
    client = login(unam)
    url = f"/knowledge/transfers/{made.pk}/"
    html = client.get(url).content.decode()
    assert 'value="planning"' in html and 'value="adopted"' not in html
    response = client.post(url, {"action": "move", "move-to_stage": "adopted"})
    assert response.status_code == 200
    assert 'id="id_move-to_stage_error"' in response.content.decode()
    assert Transfer.objects.get().stage == "interest"


def test_discontinuing_asks_for_the_lessons_learned(login, unam, made):
    client = login(unam)
    url = f"/knowledge/transfers/{made.pk}/"
    refused = client.post(url, {"action": "move", "move-to_stage": "discontinued"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert 'id="id_move-lessons_es_error"' in html
    assert "Say what was learned" in html
    assert Transfer.objects.get().stage == "interest"
    stopped = client.post(
        url,
        {
            "action": "move",
            "move-to_stage": "discontinued",
            "move-lessons_es": "Faltó presupuesto municipal.",
        },
    )
    assert stopped.status_code == 302
    stored = Transfer.objects.get()
    assert (stored.stage, stored.lessons_es) == ("discontinued", "Faltó presupuesto municipal.")


def test_saving_the_details_keeps_them(login, unam, made):
    url = f"/knowledge/transfers/{made.pk}/"
    response = login(unam).post(
        url,
        {
            "action": "save",
            **_new(made.practice, adaptations_en="An office per borough", public="on"),
        },
    )
    assert response.status_code == 302
    stored = Transfer.objects.get()
    assert (stored.adaptations_en, stored.public, stored.stage) == (
        "An office per borough",
        True,
        "interest",
    )


def test_another_institutions_transfer_is_not_found_and_unchanged(
    login, coordinator, made, institution_cdmx
):
    url = f"/knowledge/transfers/{made.pk}/"
    ipn = InstitutionFactory(party=institution_cdmx.party)
    others = [coordinator, coordinator_of(ipn, email="ipn@example.org")]
    for person in others:
        client = login(person)
        assert client.get(url).status_code == 404
        assert client.post(url, {"action": "move", "move-to_stage": "planning"}).status_code == 404
        assert made.practice.title not in client.get("/knowledge/transfers/").content.decode()
    assert Transfer.objects.get().stage == "interest"


def test_people_who_coordinate_no_institution_are_refused(login, researcher, official_cdmx, made):
    for person in (researcher, official_cdmx):
        client = login(person)
        assert client.get("/knowledge/transfers/").status_code == 403
        assert client.get("/knowledge/transfers/new/").status_code == 403
        assert client.get(f"/knowledge/transfers/{made.pk}/").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/knowledge/transfers/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_only_the_other_citys_published_practices_are_offered(
    login, unam, bcn_practice, coordinator, institution_cdmx
):
    hidden = draft(actor=coordinator, texts={"title_es": "Borrador BCN"})
    own = draft(actor=unam, texts={"title_es": "Práctica UNAM"})
    html = login(unam).get("/knowledge/transfers/new/").content.decode()
    assert f'value="{bcn_practice.pk}"' in html
    assert f'value="{hidden.pk}"' not in html and f'value="{own.pk}"' not in html


@pytest.mark.parametrize("count", [1, 6])
def test_the_list_runs_a_constant_number_of_queries(
    login, unam, official_bcn, coordinator, django_assert_num_queries, count
):
    for index in range(count):
        practice = published(
            actor=coordinator, reviewer=official_bcn, texts={"title_es": f"Práctica {index}"}
        )
        transfer(actor=unam, practice=practice, institution=unam.institution)
    client = login(unam)
    # 1 session, 1 user, 1 the user's groups (its role), 1 the transfers with their practice,
    # its origin and institution, and the adopting institution with its city.
    with django_assert_num_queries(4):
        response = client.get("/knowledge/transfers/")
    assert response.content.decode().count("/knowledge/transfers/") >= count


@pytest.mark.parametrize("moves", [0, 2])
def test_a_transfers_page_runs_a_constant_number_of_queries(
    login, unam, made, django_assert_num_queries, moves
):
    for stage in ("planning", "pilot")[:moves]:
        from knowledge import services

        services.transfer_move(actor=unam, transfer=made, to_stage=stage)
    client = login(unam)
    # 1 session, 1 user, 1 groups, 1 the transfer with its practice and institutions, 1 its
    # timeline.
    with django_assert_num_queries(5):
        assert client.get(f"/knowledge/transfers/{made.pk}/").status_code == 200


def test_both_cities_officials_see_every_transfer_in_the_admin(
    login, official_bcn, official_cdmx, made
):
    for official in (official_bcn, official_cdmx):
        response = login(official).get("/admin/knowledge/transfer/")
        assert response.status_code == 200
        assert f"/admin/knowledge/transfer/{made.pk}/change/" in response.content.decode()


def test_the_public_sees_only_the_public_transfers_on_the_practice_page(
    client, made, bcn_practice, official_cdmx, institution_cdmx
):
    page = client.get(f"/knowledge/{bcn_practice.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No public transfer of this practice yet." in page
    made.public = True
    from knowledge import services

    services.transfer_update(actor=official_cdmx, transfer=made)
    page = client.get(f"/knowledge/{bcn_practice.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert institution_cdmx.name in page
    assert "luis@example.org" not in page and "Luis Ramírez" not in page

"""Right of access: the export holds every personal datum, labelled in the person's language."""

from __future__ import annotations

import json

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.urls import reverse

from cooperation.models import User
from exchanges import services
from exchanges.models import StayApplication
from exchanges.services.export import EXPORTED, NOT_EXPORTED
from tests.exchanges.conftest import erase, start_stay

pytestmark = pytest.mark.django_db


def _relations_to(target: type[models.Model]) -> set[str]:
    """Every field of every model that points at ``target`` (hidden ``related_name="+"`` too)."""
    found = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is target:
                if model._meta.label.startswith(
                    ("projects.Historical", "cooperation.Historical", "knowledge.Historical")
                ):
                    found.add("history")  # django-simple-history's history_user
                    continue
                if field.name == "history_user":
                    found.add("history")
                    continue
                found.add(f"{model._meta.label}.{field.name}")
    return found


def test_every_relation_to_the_person_is_exported_or_explained():
    """A new model or field pointing at a person or an application fails here until the
    export gives it or ``NOT_EXPORTED`` says why not."""
    known = set(NOT_EXPORTED)
    for label in EXPORTED:
        model = apps.get_model(label)
        known |= {
            f"{label}.{f.name}" for f in model._meta.get_fields() if f.concrete and f.is_relation
        }
    relations = _relations_to(User) | _relations_to(StayApplication)
    forgotten = sorted(
        r
        for r in relations
        if r not in known and r.split(".")[0] + "." + r.split(".")[1] not in EXPORTED
    )
    assert forgotten == []


@pytest.mark.parametrize("label", sorted(EXPORTED))
def test_every_field_of_an_exported_model_is_given_or_explained(label):
    model = apps.get_model(label)
    fields = {f.name for f in model._meta.get_fields() if f.concrete}
    given = set(EXPORTED[label])
    explained = {key.rsplit(".", 1)[1] for key in NOT_EXPORTED if key.rsplit(".", 1)[0] == label}
    assert sorted(fields - given - explained) == []
    assert given <= fields


def _full_stay(in_evaluation, official_cdmx, official_bcn):
    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    services.application_sign(actor=official_bcn, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    application = start_stay(in_evaluation)
    services.final_report_submit(
        actor=application.researcher,
        application_id=application.pk,
        text="Resultados en los barrios",
        upload=None,
    )
    return application


def test_the_export_holds_the_stay_the_host_decision_and_the_report_in_catalan(
    login, in_evaluation, official_cdmx, official_bcn
):
    application = _full_stay(in_evaluation, official_cdmx, official_bcn)
    researcher = application.researcher
    researcher.language = "ca"
    researcher.save(update_fields=["language"])
    data = json.loads(
        login(researcher, language="ca").get(reverse("exchanges:data_export")).content
    )
    entry = data["Sol·licituds"][0]
    # Statuses as words, not codes.
    assert entry["Estat"] == "Estada en curs"
    decision = entry["Decisió de la institució d'acollida"]
    assert decision["Persona supervisora"] == "Dra. Puig"
    assert decision["Inici confirmat"] == str(application.start_date)
    stay = entry["L'estada"]
    assert stay["Assegurança mèdica (companyia i pòlissa)"] == "Póliza 1"
    assert stay["Estat del visat"] == "Concedit"
    assert stay["Arribada"] and stay["Sortida"]
    assert stay["Resultats i impacte"] == "Resultados en los barrios"
    documents = entry["Documents"]
    assert {d["Document"] for d in documents} == {
        "Currículum vitae",
        "Carta d'invitació de la institució d'acollida",
        "Carta de motivació",
    }
    assert all(
        d["Descarrega"].startswith(settings.SITE_URL + "/stays/documents/") for d in documents
    )
    assert {s["Ciutat"] for s in entry["Aprovació signada per"]} == {"Ciutat de Mèxic", "Barcelona"}
    assert any(e["Missatge"] == "Informe final lliurat." for e in entry["Historial"])


def test_the_data_page_shows_the_same_data(login, in_evaluation, official_cdmx, official_bcn):
    application = _full_stay(in_evaluation, official_cdmx, official_bcn)
    html = login(application.researcher).get(reverse("exchanges:data_page")).content.decode()
    assert "Dra. Puig" in html and "Póliza 1" in html and "Resultados en los barrios" in html
    assert "/stays/documents/" in html


def test_the_export_lists_the_single_sign_on_accounts(login, researcher):
    """A person linked to a city's identity provider finds the link and what it sent."""
    from allauth.socialaccount.models import SocialAccount

    researcher.language = "en"
    researcher.save(update_fields=["language"])
    SocialAccount.objects.create(
        user=researcher, provider="cdmx", uid="sub-4711", extra_data={"groups": ["staff"]}
    )
    data = json.loads(
        login(researcher, language="en").get(reverse("exchanges:data_export")).content
    )
    (account,) = data["Single sign-on accounts"]
    assert account["Provider"] == "cdmx" and account["Uid"] == "sub-4711"
    assert account["Extra data"] == {"groups": ["staff"]}


def _old_sign_in(client, user, seconds_ago: int = 3600) -> None:
    """Make the session's sign-in an hour old: reauthentication is then asked for."""
    import time

    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time() - seconds_ago, "email": user.email}
    ]
    session.save()


def test_erasure_says_what_happens_and_asks_for_the_password_again(
    submitted, django_capture_on_commit_callbacks
):
    from django.test import Client

    from tests.conftest import PASSWORD

    researcher = submitted.researcher
    researcher.set_password(PASSWORD)
    researcher.language = "ca"
    researcher.save()
    client = Client(HTTP_ACCEPT_LANGUAGE="ca")
    client.force_login(researcher)
    _old_sign_in(client, researcher)
    page = client.get(reverse("exchanges:erasure")).content.decode()
    assert "No es pot desfer." in page
    refused = client.post(reverse("exchanges:erasure"), {"confirm": "yes"})
    assert refused.status_code == 302
    assert refused["Location"].startswith("/accounts/reauthenticate/")
    researcher.refresh_from_db()
    assert researcher.is_active  # nothing happened without the password
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(refused["Location"], {"password": PASSWORD}, follow=True)
    assert done.status_code == 200
    researcher.refresh_from_db()
    assert not researcher.is_active
    assert researcher.email.startswith("erased-")
    # The e-mail went through the outbox, in the person's language.
    from cooperation.outbox.models import OutgoingEmail

    sent = OutgoingEmail.objects.get(template="exchanges/email/erasure_done")
    assert sent.to == "investigadora@example.org" and sent.language == "ca"
    assert "s'ha tancat" in sent.body


def test_signing_in_to_an_erased_account_says_it_was_erased(
    login, submitted, django_capture_on_commit_callbacks
):
    from django.test import Client

    researcher = submitted.researcher
    with django_capture_on_commit_callbacks(execute=True):
        erase(login(researcher), researcher)
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/accounts/login/", {"login": "investigadora@example.org", "password": "whatever"}
    )
    assert "was erased at its owner" in response.content.decode()
    # Another address still gets the usual answer.
    other = Client().post("/accounts/login/", {"login": "x@example.org", "password": "x"})
    assert "was erased" not in other.content.decode()

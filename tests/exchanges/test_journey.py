"""The researcher's journey resumes where the person left off, with accessible forms."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from exchanges import services
from exchanges.views.researchers import first_incomplete_step
from tests.exchanges.factories import pdf_upload

pytestmark = pytest.mark.django_db


def test_sign_up_and_verification_return_to_the_call(call):
    client = Client(HTTP_ACCEPT_LANGUAGE="ca")
    call_url = reverse("exchanges:call_detail", args=[call.pk])
    page = client.get(call_url).content.decode()
    signup_link = f"/accounts/signup/?next={call_url}"
    assert signup_link in page
    response = client.post(
        signup_link,
        {
            "email": "nova@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "next": call_url,
        },
    )
    assert response.status_code == 302
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body)
    assert link
    path = "/" + link.group(0).split("://", 1)[1].split("/", 1)[1]
    confirmed = client.post(path)
    assert confirmed.status_code == 302
    assert confirmed["Location"] == call_url


def test_sign_in_returns_to_the_page_it_was_asked_from(call, researcher):
    from tests.conftest import PASSWORD

    researcher.set_password(PASSWORD)
    researcher.save()
    client = Client()
    call_url = reverse("exchanges:call_detail", args=[call.pk])
    assert f"/accounts/login/?next={call_url}" in client.get(call_url).content.decode()
    response = client.post(
        "/accounts/login/", {"login": researcher.email, "password": PASSWORD, "next": call_url}
    )
    assert response["Location"] == call_url


def test_continue_opens_the_first_incomplete_step(
    login, call, profiled_researcher, institution_bcn
):
    application = services.application_start(actor=profiled_researcher, call=call)
    client = login(profiled_researcher)
    url = reverse("exchanges:application_continue", args=[application.pk])
    assert client.get(url)["Location"].endswith("/step/host/")
    services.application_save_draft(
        actor=profiled_researcher, application_id=application.pk, data={"host": institution_bcn}
    )
    assert client.get(url)["Location"].endswith("/step/dates/")
    from tests.exchanges.conftest import fill_draft

    fill_draft(application, profiled_researcher, institution_bcn)
    assert first_incomplete_step(application) == "submit"
    assert client.get(url)["Location"].endswith("/step/submit/")
    # The detail page's "continue" goes through it too.
    detail = client.get(reverse("exchanges:application_detail", args=[application.pk]))
    assert url in detail.content.decode()


def test_the_step_bar_shows_done_current_and_missing(
    login, call, profiled_researcher, institution_bcn
):
    application = services.application_start(actor=profiled_researcher, call=call)
    services.application_save_draft(
        actor=profiled_researcher, application_id=application.pk, data={"host": institution_bcn}
    )
    services.attachment_add(
        actor=profiled_researcher, application_id=application.pk, kind="cv", upload=pdf_upload()
    )
    page = login(profiled_researcher).get(
        reverse("exchanges:application_step", args=[application.pk, "dates"])
    )
    html = page.content.decode()
    assert re.search(r'class="step-done"><a [^>]+>1\. Host <span class="step-state">\(done\)', html)
    assert re.search(r'class="step-current" aria-current="step">.*\(current step\)', html)
    assert re.search(r'class="step-missing"><a [^>]+>3\. Project .*\(to do\)', html)


def test_a_form_with_errors_has_a_summary_linking_each_field(login, call, profiled_researcher):
    application = services.application_start(actor=profiled_researcher, call=call)
    page = login(profiled_researcher).post(
        reverse("exchanges:application_step", args=[application.pk, "project"]), {"title": ""}
    )
    html = page.content.decode()
    summary = html.index('class="error-summary"')
    first_field = html.index('<div class="field">')
    assert summary < first_field  # at the top, before the fields
    assert '<a href="#id_title">' in html
    # Labels above fields, required fields marked.
    label = html.index('<label for="id_title">')
    assert label < html.index('id="id_title"', label + 20)
    assert "(required)" in html[label : label + 200]


def test_home_leads_to_the_open_calls_and_own_applications(login, researcher):
    assert reverse("exchanges:call_list") in Client().get("/").content.decode()
    html = login(researcher).get("/").content.decode()
    assert html.count(reverse("exchanges:my_applications")) >= 2  # main navigation and home


def test_the_final_report_form_leaves_once_handed_in(
    login, in_evaluation, official_cdmx, official_bcn
):
    from tests.exchanges.conftest import start_stay

    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    services.application_sign(actor=official_bcn, application_id=in_evaluation.pk)
    in_evaluation.refresh_from_db()
    application = start_stay(in_evaluation)
    client = login(application.researcher)
    url = reverse("exchanges:application_detail", args=[application.pk])
    assert "Hand in the final report" in client.get(url).content.decode()
    services.final_report_submit(
        actor=application.researcher, application_id=application.pk, text="Resultados", upload=None
    )
    html = client.get(url).content.decode()
    assert "Hand in the final report" not in html
    assert "The final report awaits an official" in html

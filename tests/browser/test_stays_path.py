"""The whole stay path in a real browser, with no WCAG 2.1 AA violation on any of its pages.

A researcher signs up, verifies the e-mail, applies with PDFs using the keyboard and submits;
the host accepts; a reviewer scores; an official of each city signs (TOTP); the researcher
confirms the stay.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail

from exchanges import services
from exchanges.models import StayApplication
from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD, totp_code
from tests.exchanges.factories import CallFactory, add_host, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _no_violations(page, where: str) -> None:
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def _sign_in(browser, base: str, user, *, second_factor: bool = False):
    context = browser.new_context(locale="es-ES")
    page = context.new_page()
    page.set_default_timeout(5000)
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", PASSWORD)
    _press(page, "#id_password")
    if second_factor:
        page.fill("#id_code", totp_code(user))
        _press(page, "#id_code")
    return page


def _press(page, selector: str) -> None:
    """Activate a button with the keyboard, as a keyboard-only user does."""
    page.focus(selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_whole_stay_path_in_the_browser(
    live_server,
    browser,
    page,
    institution_cdmx,
    institution_bcn,
    coordinator,
    reviewer,
    official_cdmx,
    official_bcn,
    tmp_path,
    settings,
):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    page.set_default_timeout(5000)
    base = live_server.url
    call = CallFactory()
    add_host(call, institution_bcn, places=1)
    pdf = tmp_path / "document.pdf"
    pdf.write_bytes(pdf_bytes())

    # 1. The call, then sign-up and e-mail verification.
    page.goto(f"{base}/calls/")
    _no_violations(page, "call list")
    page.goto(f"{base}/calls/{call.pk}/")
    _no_violations(page, "call page")
    page.goto(f"{base}/accounts/signup/")
    page.fill("#id_email", "nueva@example.org")
    page.fill("#id_password1", "a-long-pass-phrase")
    page.fill("#id_password2", "a-long-pass-phrase")
    _press(page, "#id_password2")
    link = re.search(r"https?://\S+(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(f"{base}{link.group(1)}")
    _no_violations(page, "e-mail confirmation")
    _press(page, "main form button[type=submit]")

    # 2. Profile and the application, step by step with the keyboard.
    page.goto(f"{base}/stays/profile/")
    assert "/stays/profile/" in page.url, page.url
    _no_violations(page, "profile")
    page.fill("#id_first_name", "Nuria")
    page.fill("#id_last_name", "Vidal")
    page.select_option("#id_home_institution", str(institution_cdmx.pk))
    page.select_option("#id_career_stage", "r2")
    _press(page, "main form button[type=submit]")
    page.goto(f"{base}/calls/{call.pk}/")
    _press(page, "form[action$='/apply/'] button")
    application = StayApplication.objects.get(call_id=call.pk)

    assert "/step/host/" in page.url
    _no_violations(page, "step host")
    page.focus("input[name=host]")
    page.keyboard.press("Space")
    _press(page, "input[name=host]:checked")

    assert "/step/dates/" in page.url
    _no_violations(page, "step dates")
    start = call.stays_from
    page.fill("#id_start_date", start.isoformat())
    page.fill("#id_end_date", start.replace(day=1).replace(month=start.month).isoformat())
    _press(page, "button[name=next]")
    _no_violations(page, "step dates with an error")
    assert "/step/dates/" in page.url  # dates out of range: refused, shown
    end = start.fromordinal(start.toordinal() + 60)
    page.fill("#id_end_date", end.isoformat())
    _press(page, "button[name=next]")

    assert "/step/project/" in page.url
    _no_violations(page, "step project")
    for selector, text in (
        ("#id_title", "Agua y barrios"),
        ("#id_work_plan", "Medir el consumo de agua en dos barrios."),
        ("#id_impact_statement", "Menos pérdidas de agua en los barrios."),
    ):
        page.focus(selector)
        page.keyboard.type(text)
    _press(page, "button[name=next]")

    assert "/step/documents/" in page.url
    _no_violations(page, "step documents")
    for kind in ("cv", "motivation", "invitation"):
        page.set_input_files(f"#id_{kind}", str(pdf))
    _press(page, "button[name=next]")

    assert "/step/submit/" in page.url
    _no_violations(page, "step submit")
    page.focus("#id_consent")
    page.keyboard.press("Space")
    _press(page, "button[name=submit]")
    application.refresh_from_db()
    assert application.status == StayApplication.Status.HOST_REVIEW
    _no_violations(page, "application page")
    page.goto(f"{base}/stays/")
    _no_violations(page, "my applications")

    # 3. The host accepts.
    host = _sign_in(browser, base, coordinator)
    host.goto(f"{base}/host/")
    _no_violations(host, "host list")
    host.goto(f"{base}/host/{application.pk}/")
    _no_violations(host, "host decision")
    host.fill("#id_accept-supervisor_name", "Dra. Puig")
    host.fill("#id_accept-supervisor_email", "puig@example.org")
    _press(host, "form:has(input[value=accept]) button[type=submit]")
    application.refresh_from_db()
    assert application.status == StayApplication.Status.HOST_ACCEPTED
    host.context.close()

    # 4. An official assigns a reviewer, who declares no conflict and scores.
    assignment = services.review_assign(
        actor=official_cdmx, application_id=application.pk, reviewer=reviewer
    )
    review = _sign_in(browser, base, reviewer)
    review.goto(f"{base}/reviews/")
    _no_violations(review, "review list")
    review.goto(f"{base}/reviews/{assignment.pk}/")
    _no_violations(review, "conflict declaration")
    review.check("input[name=has_conflict][value=no]")
    _press(review, "button[name=declare]")
    _no_violations(review, "scoring form")
    for field in review.locator("input[name^=criterion_]").all():
        field.fill("8")
    _press(review, "button[name=score]")
    assignment.refresh_from_db()
    assert assignment.submitted_at is not None
    review.context.close()

    # 5. An official of each city signs; one signature alone leaves it pending.
    for official, expected in (
        (official_cdmx, StayApplication.Status.EVALUATION),
        (official_bcn, StayApplication.Status.APPROVED),
    ):
        desk = _sign_in(browser, base, official, second_factor=True)
        desk.goto(f"{base}/calls/{call.pk}/ranking/")
        _no_violations(desk, "ranking")
        _press(desk, f"form[action$='/decide/{application.pk}/sign/'] button")
        application.refresh_from_db()
        assert application.status == expected
        desk.context.close()

    # 6. The researcher confirms the stay.
    page.goto(f"{base}/stays/{application.pk}/")
    _no_violations(page, "approved application")
    _press(page, "form[action$='/do/confirm/'] button")
    application.refresh_from_db()
    assert application.status == StayApplication.Status.AWARDED
    _no_violations(page, "awarded application")


@pytest.mark.parametrize("language", ["ca", "en"])
def test_call_pages_have_no_axe_violation_in_catalan_and_english(
    live_server, page, language, institution_bcn
):
    call = CallFactory()
    add_host(call, institution_bcn)
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    for path in ("/calls/", f"/calls/{call.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert page.locator("html").get_attribute("lang") == language
        _no_violations(page, f"{path} in {language}")

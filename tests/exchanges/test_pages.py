"""The stays pages: what each person sees and may do, and the bad input they may send."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cooperation.roles import Role
from cooperation.uploads import clean_pdf_name
from exchanges import services
from exchanges.models import Attachment, ResearcherProfile, Score, StayApplication
from exchanges.services.rules import host_today
from exchanges.validators import validate_orcid
from tests.exchanges.conftest import accept, erase
from tests.exchanges.factories import CallFactory, add_host, pdf_bytes
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = StayApplication.Status


def test_call_list_shows_open_and_upcoming_calls_in_constant_queries(
    call, institution_bcn, django_assert_num_queries
):
    upcoming = CallFactory(opens_at=timezone.now() + datetime.timedelta(days=3))
    add_host(upcoming, institution_bcn)
    closed = CallFactory(
        opens_at=timezone.now() - datetime.timedelta(days=30),
        closes_at=timezone.now() - datetime.timedelta(days=1),
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    # Three queries: calls, their areas, their hosts with institution and city.
    with django_assert_num_queries(3):
        response = client.get(reverse("exchanges:call_list"))
    content = response.content.decode()
    assert str(call.title) in content and str(upcoming.title) in content
    assert str(closed.title) not in content


def test_call_page_shows_the_deadline_in_both_cities_local_time(call):
    call.closes_at = datetime.datetime(2030, 3, 10, 17, 0, tzinfo=datetime.UTC)
    call.save()
    response = Client(HTTP_ACCEPT_LANGUAGE="es").get(
        reverse("exchanges:call_detail", args=[call.pk])
    )
    content = response.content.decode()
    assert "18:00" in content  # Barcelona, CET
    assert "11:00" in content  # Mexico City, CST
    assert "Impacto social y urbano" in content


def _start(client, call) -> StayApplication:
    client.post(reverse("exchanges:application_start", args=[call.pk]))
    return StayApplication.objects.get(call=call)


def _step(application, step):
    return reverse("exchanges:application_step", args=[application.pk, step])


def test_researcher_completes_the_multi_step_form_and_submits(
    login, call, profiled_researcher, institution_bcn
):
    client = login(profiled_researcher)
    application = _start(client, call)
    start = call.stays_from + datetime.timedelta(days=1)
    assert client.post(_step(application, "host"), {"host": institution_bcn.pk}).status_code == 302
    client.post(
        _step(application, "dates"),
        {"start_date": start, "end_date": start + datetime.timedelta(days=45)},
    )
    client.post(
        _step(application, "project"),
        {"title": "Agua", "work_plan": "Plan", "impact_statement": "Barrios"},
    )
    files = {
        kind: SimpleUploadedFile(f"{kind}.pdf", pdf_bytes(), "application/pdf")
        for kind in ("cv", "motivation", "invitation")
    }
    response = client.post(_step(application, "documents"), files)
    assert response.status_code == 302
    response = client.post(_step(application, "submit"), {"consent": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.HOST_REVIEW
    page = client.get(reverse("exchanges:my_applications")).content.decode()
    assert "With the host" in page


def test_every_step_saves_the_draft(login, call, profiled_researcher, institution_bcn):
    client = login(profiled_researcher)
    application = _start(client, call)
    client.post(_step(application, "host"), {"host": institution_bcn.pk, "save": "1"})
    application.refresh_from_db()
    assert application.host == institution_bcn
    assert application.status == S.DRAFT


def test_dates_outside_the_call_are_refused_on_the_form(login, call, profiled_researcher):
    client = login(profiled_researcher)
    application = _start(client, call)
    response = client.post(
        _step(application, "dates"),
        {
            "start_date": call.stays_until,
            "end_date": call.stays_until + datetime.timedelta(days=40),
        },
    )
    assert response.status_code == 200
    assert "The stay must take place between" in response.content.decode()
    application.refresh_from_db()
    assert application.start_date is None


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("cv.pdf", b"MZ\x90\x00 this is an executable renamed", "not a PDF"),
        ("cv.pdf", b"%PDF-1.4 but nothing else", "damaged"),
    ],
)
def test_a_non_pdf_renamed_pdf_is_refused_and_nothing_saved(login, draft, name, content, message):
    Attachment.objects.filter(application=draft).delete()
    client = login(draft.researcher)
    response = client.post(
        _step(draft, "documents"),
        {
            "cv": SimpleUploadedFile(name, content, "application/pdf"),
            "motivation": SimpleUploadedFile("m.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Attachment.objects.filter(application=draft).exists()


def test_an_oversize_file_is_refused(login, draft, settings):
    settings.STAY_ATTACHMENT_MAX_BYTES = 100
    before = list(Attachment.objects.filter(application=draft).values_list("pk", flat=True))
    response = login(draft.researcher).post(
        _step(draft, "documents"),
        {"cv": SimpleUploadedFile("cv.pdf", pdf_bytes(), "application/pdf")},
    )
    assert "too large" in response.content.decode()
    assert list(Attachment.objects.filter(application=draft).values_list("pk", flat=True)) == before


def test_a_file_name_with_a_path_is_refused():
    for name in ("../../etc/passwd.pdf", "C:\\Users\\x\\cv.pdf", "dir/cv.pdf"):
        with pytest.raises(ValidationError, match="folder path"):
            clean_pdf_name(name)
    assert clean_pdf_name("Currículum Ana.pdf") == "Currículum Ana.pdf"


def test_an_uploaded_path_never_reaches_the_disk(login, draft, settings):
    login(draft.researcher).post(
        _step(draft, "documents"),
        {"cv": SimpleUploadedFile("../../../evil.pdf", pdf_bytes(), "application/pdf")},
    )
    attachment = Attachment.objects.get(application=draft, kind="cv")
    path = attachment.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "evil" not in path and ".." not in attachment.original_name


def test_submitting_after_the_deadline_is_refused_on_the_page(login, draft):
    draft.call.closes_at = timezone.now() - datetime.timedelta(seconds=1)
    draft.call.save()
    response = login(draft.researcher).post(_step(draft, "submit"), {"consent": "on"})
    assert "applications can no longer be submitted" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_a_second_application_to_the_same_call_is_refused_on_the_page(login, draft):
    client = login(draft.researcher)
    response = client.post(
        reverse("exchanges:application_start", args=[draft.call.pk]), follow=True
    )
    assert "You already have an application for this call." in response.content.decode()
    assert StayApplication.objects.filter(call=draft.call).count() == 1


def test_attachments_are_served_only_to_those_allowed(
    login, submitted, coordinator, new_researcher, reviewer
):
    attachment = submitted.attachments.first()
    url = reverse("exchanges:attachment_download", args=[attachment.pk])
    own = login(submitted.researcher).get(url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF-")
    assert login(coordinator).get(url).status_code == 200
    assert login(new_researcher("other@example.org")).get(url).status_code == 404
    assert login(reviewer).get(url).status_code == 404  # not assigned
    assert Client().get(url).status_code == 302  # anonymous: to sign-in


def test_my_applications_runs_constant_queries(login, submitted, django_assert_num_queries):
    client = login(submitted.researcher)
    # session, user, groups (menu), applications with call and host, their events.
    with django_assert_num_queries(5):
        response = client.get(reverse("exchanges:my_applications"))
    assert response.status_code == 200


def test_host_sees_its_applications_in_constant_queries(
    login, submitted, coordinator, django_assert_num_queries
):
    client = login(coordinator)
    # session, user, groups, applications with call, researcher and profile.
    with django_assert_num_queries(4):
        response = client.get(reverse("exchanges:host_list"))
    assert submitted.researcher.email.split("@")[0] not in response.content.decode()
    assert "Ana Pérez" in response.content.decode()


def test_host_accepts_on_the_page(login, submitted, coordinator):
    response = login(coordinator).post(
        reverse("exchanges:host_decide", args=[submitted.pk]),
        {
            "decision": "accept",
            "accept-supervisor_name": "Dra. Puig",
            "accept-supervisor_email": "puig@example.org",
            "accept-confirmed_start": submitted.start_date,
            "accept-confirmed_end": submitted.end_date,
        },
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.status == S.HOST_ACCEPTED


def test_host_of_another_institution_gets_nothing(login, submitted, institution_cdmx):
    outsider = UserFactory(institution=institution_cdmx, roles=[Role.COORDINATOR])
    response = login(outsider).post(
        reverse("exchanges:host_decide", args=[submitted.pk]),
        {"decision": "decline", "decline-reason": "no"},
    )
    assert response.status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == S.HOST_REVIEW


def test_reviewer_with_conflict_cannot_score_on_the_page(
    login, submitted, coordinator, official_cdmx, reviewer
):
    accept(submitted, coordinator)
    assignment = services.review_assign(
        actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
    )
    client = login(reviewer)
    url = reverse("exchanges:review_detail", args=[assignment.pk])
    shown = services.conflict_disclosure_token(assignment)  # the page shows the details
    client.post(url, {"declare": "1", "has_conflict": "yes", "shown": shown})
    criteria = list(submitted.call.criteria.all())
    response = client.post(url, {"score": "1", **{f"criterion_{c.pk}": 9 for c in criteria}})
    assert "you cannot score this application" in response.content.decode()
    assert not Score.objects.exists()
    # And the conflicted reviewer no longer sees the documents.
    attachment = submitted.attachments.first()
    assert (
        client.get(reverse("exchanges:attachment_download", args=[attachment.pk])).status_code
        == 404
    )


def test_officials_need_the_second_factor_to_decide(login, in_evaluation, official_cdmx):
    url = reverse("exchanges:call_ranking", args=[in_evaluation.call_id])
    assert login(official_cdmx, second_factor=False).get(url).status_code == 302
    response = login(official_cdmx).get(url)
    assert response.status_code == 200
    assert f"#{in_evaluation.pk}" in response.content.decode()


def test_researchers_cannot_reach_the_decision_pages(login, in_evaluation):
    client = login(in_evaluation.researcher)
    url = reverse("exchanges:official_action", args=[in_evaluation.pk, "sign"])
    assert client.post(url).status_code == 403
    in_evaluation.refresh_from_db()
    assert not in_evaluation.signatures.exists()


def test_official_signing_twice_gets_a_clear_message(login, in_evaluation, official_cdmx):
    client = login(official_cdmx)
    url = reverse("exchanges:official_action", args=[in_evaluation.pk, "sign"])
    client.post(url)
    response = client.post(url, follow=True)
    assert "You have already signed this application." in response.content.decode()
    assert in_evaluation.signatures.count() == 1


def test_withdrawn_application_refuses_every_page_action(login, submitted):
    client = login(submitted.researcher)
    client.post(reverse("exchanges:application_action", args=[submitted.pk, "withdraw"]))
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN
    for action in ("withdraw", "confirm"):
        response = client.post(
            reverse("exchanges:application_action", args=[submitted.pk, action]), follow=True
        )
        assert "not possible while the application is" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN


def test_personal_data_download_is_complete_json(login, submitted):
    submitted.researcher.language = "en"  # labels are in the person's language
    submitted.researcher.save(update_fields=["language"])
    response = login(submitted.researcher).get(reverse("exchanges:data_export"))
    data = json.loads(response.content)
    assert data["Account"]["E-mail address"] == submitted.researcher.email
    assert data["Applications"][0]["Project title"] == submitted.title
    assert len(data["Applications"][0]["Timeline"]) == 3
    assert data["Consents"][0]["Text version"] == services.CONSENT_TEXT_VERSION


def test_erasure_blocks_then_anonymises_keeping_aggregates(
    login, submitted, django_capture_on_commit_callbacks
):
    researcher = submitted.researcher
    ResearcherProfile.objects.filter(user=researcher).update(
        gender="woman", orcid="0000-0002-1825-0097", sensitive_consent_at=timezone.now()
    )
    by_gender = ResearcherProfile.objects.filter(gender="woman").count()
    with django_capture_on_commit_callbacks(execute=True):
        erase(login(researcher), researcher)
    researcher.refresh_from_db()
    assert not researcher.is_active
    assert researcher.email.startswith("erased-") and researcher.last_name == ""
    profile = ResearcherProfile.objects.get(user=researcher)
    assert profile.orcid == "" and profile.anonymised_at is not None
    submitted.refresh_from_db()
    assert submitted.status == S.WITHDRAWN and submitted.work_plan == ""
    assert not Attachment.objects.filter(application=submitted).exists()
    assert ResearcherProfile.objects.filter(gender="woman").count() == by_gender
    assert StayApplication.objects.filter(call=submitted.call).count() == 1


def test_retention_task_purges_documents_of_closed_applications_only(
    submitted, draft, settings, django_capture_on_commit_callbacks
):
    from exchanges.tasks import purge_stay_documents

    settings.STAY_DOCUMENT_RETENTION_DAYS = 30
    services.application_withdraw(actor=submitted.researcher, application_id=submitted.pk)
    assert purge_stay_documents() == 0  # closed too recently
    submitted.events.update(at=timezone.now() - datetime.timedelta(days=31))
    path = submitted.attachments.first().file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert purge_stay_documents() == 3
    assert purge_stay_documents() == 0  # claimed once
    import os

    assert not os.path.exists(path)


def test_orcid_checksum_is_validated():
    validate_orcid("0000-0002-1825-0097")
    validate_orcid("https://orcid.org/0000-0002-1694-233X")
    with pytest.raises(ValidationError, match="check digit"):
        validate_orcid("0000-0002-1825-0098")
    with pytest.raises(ValidationError, match="not an ORCID"):
        validate_orcid("1234")


def test_profile_refuses_gender_without_consent(login, researcher, institution_cdmx):
    response = login(researcher).post(
        reverse("exchanges:profile"),
        {
            "first_name": "Marta",
            "last_name": "Soler",
            "home_institution": institution_cdmx.pk,
            "career_stage": "r1",
            "gender": "woman",
        },
    )
    assert response.status_code == 200
    assert "tick the box" in response.content.decode()
    assert not ResearcherProfile.objects.filter(user=researcher).exists()


def test_profile_saves_name_orcid_and_consented_optional_data(login, researcher, institution_cdmx):
    response = login(researcher).post(
        reverse("exchanges:profile"),
        {
            "first_name": "Marta",
            "last_name": "Soler",
            "home_institution": institution_cdmx.pk,
            "career_stage": "r3",
            "orcid": "https://orcid.org/0000-0002-1825-0097",
            "gender": "woman",
            "accessibility_needs": "Silla de ruedas",
            "sensitive_consent": "on",
        },
    )
    assert response.status_code == 302
    researcher.refresh_from_db()
    assert (researcher.first_name, researcher.last_name) == ("Marta", "Soler")
    profile = ResearcherProfile.objects.get(user=researcher)
    assert profile.orcid == "0000-0002-1825-0097"
    assert profile.sensitive_consent_version == services.CONSENT_TEXT_VERSION
    assert researcher.stay_consents.filter(purpose="sensitive").count() == 1


def test_profile_refuses_a_bad_orcid(login, researcher, institution_cdmx):
    response = login(researcher).post(
        reverse("exchanges:profile"),
        {
            "first_name": "Marta",
            "last_name": "Soler",
            "home_institution": institution_cdmx.pk,
            "career_stage": "r3",
            "orcid": "0000-0002-1825-0098",
        },
    )
    assert "check digit does not match" in response.content.decode()
    assert not ResearcherProfile.objects.filter(user=researcher).exists()


def test_ranking_page_runs_constant_queries(
    login, in_evaluation, official_cdmx, django_assert_num_queries
):
    client = login(official_cdmx)
    client.get(reverse("exchanges:call_list"))  # warm the session
    # session, user, groups (role check), call, ranked applications (scores aggregated in
    # SQL, joins for call, host, researcher, profile and stay), their signatures.
    with django_assert_num_queries(6):
        response = client.get(reverse("exchanges:call_ranking", args=[in_evaluation.call_id]))
    assert f"#{in_evaluation.pk}" in response.content.decode()


def test_another_researcher_cannot_open_or_change_a_draft(login, draft, new_researcher):
    other = login(new_researcher("intrusa@example.org"))
    assert other.get(_step(draft, "project")).status_code == 404
    response = other.post(
        _step(draft, "project"), {"title": "x", "work_plan": "x", "impact_statement": "x"}
    )
    assert response.status_code == 404
    assert other.get(reverse("exchanges:application_detail", args=[draft.pk])).status_code == 404
    draft.refresh_from_db()
    assert draft.title == "Movilidad urbana"


def test_signature_and_assignment_mails_reach_the_people_concerned(
    submitted,
    coordinator,
    official_cdmx,
    official_bcn,
    reviewer,
    django_capture_on_commit_callbacks,
):
    from django.core import mail

    accept(submitted, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.review_assign(
            actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
        )
    assert any(m.to == [reviewer.email] for m in mail.outbox)
    services.conflict_declare(
        actor=reviewer,
        assignment_id=assignment.pk,
        has_conflict=False,
        shown=services.conflict_disclosure_token(assignment),
    )
    criteria = list(submitted.call.criteria.all())
    services.scores_submit(
        actor=reviewer, assignment_id=assignment.pk, scores={c.pk: 7 for c in criteria}
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_sign(actor=official_cdmx, application_id=submitted.pk)
    assert [m.to for m in mail.outbox] == [[official_bcn.email]]
    assert "espera la firma de su ciudad" in mail.outbox[0].subject  # officials read Spanish


def test_researcher_follows_the_stay_to_its_accepted_final_report_on_the_pages(
    login, in_evaluation, official_cdmx, official_bcn
):
    for official in (official_cdmx, official_bcn):
        services.application_sign(actor=official, application_id=in_evaluation.pk)
    client = login(in_evaluation.researcher)

    def act(action, data=None):
        url = reverse("exchanges:application_action", args=[in_evaluation.pk, action])
        return client.post(url, data or {}, follow=True)

    act("confirm")
    act(
        "stay",
        {
            "stay-arrived_on": host_today(in_evaluation) - datetime.timedelta(days=1),
            "stay-departed_on": host_today(in_evaluation),
            "stay-insurance": "Mapfre 123",
            "stay-visa_status": "granted",
        },
    )
    response = act(
        "report",
        {
            "report-text": "Resultados e impacto",
            "report-file": SimpleUploadedFile("informe.pdf", pdf_bytes(), "application/pdf"),
        },
    )
    assert "Your final report has been handed in." in response.content.decode()
    assert in_evaluation.attachments.filter(kind="final_report").exists()
    login(official_bcn).post(
        reverse("exchanges:official_action", args=[in_evaluation.pk, "accept_report"])
    )
    in_evaluation.refresh_from_db()
    assert in_evaluation.status == S.COMPLETED
    assert in_evaluation.stay.insurance == "Mapfre 123"


def test_role_groups_hold_their_stays_permissions():
    from django.contrib.auth.models import Group

    official = set(
        Group.objects.get(name=Role.OFFICIAL_BCN).permissions.values_list("codename", flat=True)
    )
    assert {"add_call", "change_stayapplication", "view_attachment"} <= official
    assert "delete_stayapplication" not in official
    researcher = Group.objects.get(name=Role.RESEARCHER).permissions.filter(
        content_type__app_label="exchanges"
    )
    assert not researcher.exists()


def test_call_page_runs_constant_queries(call, django_assert_num_queries):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    # call, its areas, its hosts (with institution and city), its criteria, the two cities.
    with django_assert_num_queries(5):
        response = client.get(reverse("exchanges:call_detail", args=[call.pk]))
    assert response.status_code == 200


def test_application_page_runs_constant_queries(
    login, in_evaluation, official_cdmx, django_assert_num_queries
):
    services.application_sign(actor=official_cdmx, application_id=in_evaluation.pk)
    client = login(in_evaluation.researcher)
    # session, user, groups (menu), the application with call, host, researcher, profile and
    # host decision, then its events, their actors, attachments, signatures, their cities,
    # review assignments.
    with django_assert_num_queries(10):
        response = client.get(reverse("exchanges:application_detail", args=[in_evaluation.pk]))
    assert response.status_code == 200

"""Every write path of the stays admin goes through a service, and every status change, by any
path, writes its timeline row."""

from __future__ import annotations

import ast
import pathlib

import pytest
from django.contrib import admin
from django.test import RequestFactory

from exchanges.models import ApplicationEvent, ReviewAssignment, StayApplication

pytestmark = pytest.mark.django_db
S = StayApplication.Status
ROOT = pathlib.Path(__file__).resolve().parents[2]
# (permission, the ModelAdmin methods that a granted permission makes reachable)
WRITES = {
    "add": ("save_model", "save_formset"),
    "change": ("save_model", "save_formset"),
    "delete": ("delete_model", "delete_queryset"),
}


def test_every_exchanges_admin_saves_through_a_service_or_refuses_the_permission(
    programme_admin,
):
    # The agreed convention (the repository-wide guard lives with the projects' tests): a
    # ModelAdmin either overrides the write methods that its permissions reach, with code that
    # calls a service, or refuses the permission to everyone, superusers included.
    request = RequestFactory().get("/admin/")
    request.user = programme_admin
    programme_admin.is_superuser = True
    offenders = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "exchanges":
            continue
        for permission, methods in WRITES.items():
            checker = getattr(model_admin, f"has_{permission}_permission")
            granted = checker(request) if permission == "add" else checker(request, None)
            if not granted:
                continue
            for name in methods:
                if name == "save_formset" and not model_admin.get_inlines(request, None):
                    continue
                own = getattr(type(model_admin), name) is not getattr(admin.ModelAdmin, name)
                source = ast.unparse(ast.parse(_source(type(model_admin), name)))
                if not own or "services." not in source:
                    offenders.append(f"{model.__name__}Admin.{name} ({permission})")
    assert offenders == []


def _source(cls, name):
    import inspect
    import textwrap

    return textwrap.dedent(inspect.getsource(getattr(cls, name)))


def test_only_the_transition_function_writes_an_application_status():
    writers = []
    for path in sorted((ROOT / "exchanges").rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Attribute) and t.attr == "status" for t in targets):
                    writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                writes = node.func.attr in {"update", "create", "update_or_create", "bulk_create"}
                if writes and any(k.arg == "status" for k in node.keywords):
                    writers.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert [w.rsplit(":", 1)[0] for w in writers] == ["exchanges/services/common.py"]


@pytest.mark.parametrize(
    ("action", "fixture", "to_status"),
    [("reject", "in_evaluation", S.REJECTED), ("cancel", "submitted", S.CANCELLED)],
)
def test_admin_decisions_write_their_timeline_row(
    login, official_bcn, request, action, fixture, to_status
):
    application = request.getfixturevalue(fixture)
    from_status = application.status
    login(official_bcn).post(
        "/admin/exchanges/stayapplication/",
        {"action": action, "_selected_action": [application.pk]},
    )
    application.refresh_from_db()
    assert application.status == to_status
    event = ApplicationEvent.objects.filter(application=application).last()
    assert (event.from_status, event.to_status, event.actor) == (
        from_status,
        to_status,
        official_bcn,
    )


def test_an_application_cannot_be_edited_in_the_admin(login, submitted, official_bcn):
    client = login(official_bcn)
    url = f"/admin/exchanges/stayapplication/{submitted.pk}/change/"
    assert client.get(url).status_code == 200  # read-only view
    response = client.post(url, {"status": S.APPROVED, "title": "Otro"})
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert (submitted.status, submitted.title) == (S.HOST_REVIEW, "Movilidad urbana")


def test_a_review_assignment_cannot_be_deleted_in_the_admin(
    login, submitted, coordinator, official_cdmx, reviewer
):
    from exchanges import services
    from tests.exchanges.conftest import accept

    accept(submitted, coordinator)
    assignment = services.review_assign(
        actor=official_cdmx, application_id=submitted.pk, reviewer=reviewer
    )
    response = login(official_cdmx).post(
        f"/admin/exchanges/reviewassignment/{assignment.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    assert ReviewAssignment.objects.filter(pk=assignment.pk).exists()

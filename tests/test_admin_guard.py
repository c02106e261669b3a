"""Guard: no admin page of projects, exchanges or knowledge saves around the services.

The convention, checked here over every registered admin and its inlines: for each write its
permissions allow a superuser who passed the second factor,

* add or change: ``save_model`` is overridden and its code calls a service;
* delete: ``delete_model`` and ``delete_queryset`` are overridden and call services;
* an inline that allows any write: the parent's ``save_formset`` is overridden and reaches a
  service through that inline (each inline separately);

or the permission is refused to everyone. "Calls a service" is read from the code itself: the
function, or a first-party function or method it names (followed through the admin class and
the inline), refers to a function of ``projects.services`` or ``exchanges.services``. A new
admin, inline or override that writes with ``Model.save`` fails this test.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from tests.factories import UserFactory

GUARDED_APPS = ("projects", "exchanges", "knowledge")
SERVICE_MODULES = ("projects.services", "exchanges.services", "knowledge.services")
FIRST_PARTY = ("projects.", "exchanges.", "knowledge.", "cooperation.", "tests.")


def _is_service(obj: Any) -> bool:
    module = getattr(obj, "__name__", "") if isinstance(obj, types.ModuleType) else ""
    module = module or getattr(obj, "__module__", "") or ""
    return any(module == m or module.startswith(f"{m}.") for m in SERVICE_MODULES)


def _code_names(code: types.CodeType) -> set[str]:
    names = set(code.co_names)
    for constant in code.co_consts:
        if isinstance(constant, types.CodeType):
            names |= _code_names(constant)
    return names


def reaches_service(function: Any, classes: list[type], seen: set[Any] | None = None) -> bool:
    """Say whether the function's code calls a service, directly or through first-party code."""
    seen = set() if seen is None else seen
    function = inspect.unwrap(getattr(function, "__func__", function))
    code = getattr(function, "__code__", None)
    if code is None or function in seen:
        return False
    seen.add(function)
    for name in _code_names(code):
        candidates = [function.__globals__.get(name)]
        candidates += [inspect.getattr_static(cls, name, None) for cls in classes]
        for candidate in candidates:
            candidate = getattr(candidate, "__func__", candidate)  # staticmethod, classmethod
            if candidate is None:
                continue
            if _is_service(candidate):
                return True
            module = getattr(candidate, "__module__", "") or ""
            first_party = module.startswith(FIRST_PARTY) and not isinstance(candidate, type)
            if callable(candidate) and first_party and reaches_service(candidate, classes, seen):
                return True
    return False


def _overrides(model_admin: Any, name: str) -> Callable[..., Any] | None:
    """Return the admin's own ``name`` when first-party code defines it, else None."""
    for cls in type(model_admin).__mro__:
        if name in cls.__dict__:
            return cls.__dict__[name] if cls.__module__.startswith(FIRST_PARTY) else None
    return None


def _guarded() -> list[tuple[type, Any]]:
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label in GUARDED_APPS
    ]


@pytest.fixture
def superuser_request(db) -> Any:
    """A request of a superuser who passed password and TOTP (allows all that may be allowed)."""
    from cooperation.totp import totp_enable

    user = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    totp_enable(user=user)
    request = RequestFactory().get("/admin/")
    request.user = user  # type: ignore[assignment]
    request.session = SessionStore()
    request.session["account_authentication_methods"] = [
        {"method": "password", "at": 0, "email": user.email},
        {"method": "mfa", "at": 0, "type": "totp", "id": 1},
    ]
    return request


def _cases() -> list[Any]:
    cases = []
    for model, model_admin in _guarded():
        label = f"{model._meta.label}:{type(model_admin).__name__}"
        for operation in ("save", "delete", "inlines"):
            case_id = f"{label}:{operation}"
            cases.append(pytest.param(model, operation, id=case_id))
    return cases


def _allowed(check: Callable[..., bool], *args: Any) -> bool:
    try:
        return bool(check(*args))
    except Exception:  # a permission that cannot be asked without an object
        return True  # counted as allowed: the override must then be there


@pytest.mark.parametrize(("model", "operation"), _cases())
def test_every_admin_write_goes_through_a_service(superuser_request, model, operation):
    model_admin = admin.site._registry[model]
    request = superuser_request
    classes: list[type] = [type(model_admin)]
    if operation == "save":
        allowed = _allowed(model_admin.has_add_permission, request) or _allowed(
            model_admin.has_change_permission, request
        )
        if allowed:
            save = _overrides(model_admin, "save_model")
            assert save is not None, "adds or changes rows but does not override save_model"
            assert reaches_service(save, classes), "save_model calls no service"
    elif operation == "delete":
        if _allowed(model_admin.has_delete_permission, request):
            for name in ("delete_model", "delete_queryset"):
                method = _overrides(model_admin, name)
                assert method is not None, f"deletes rows but does not override {name}"
                assert reaches_service(method, classes), f"{name} calls no service"
    else:
        for inline_class in model_admin.inlines:
            inline = inline_class(model, admin.site)
            writes = any(
                _allowed(check, request, None)
                for check in (
                    inline.has_add_permission,
                    inline.has_change_permission,
                    inline.has_delete_permission,
                )
            )
            if not writes:
                continue
            save_formset = _overrides(model_admin, "save_formset")
            assert save_formset is not None, (
                f"{inline_class.__name__} writes rows but save_formset is not overridden"
            )
            assert reaches_service(save_formset, [*classes, inline_class]), (
                f"save_formset reaches no service through {inline_class.__name__}"
            )


def test_the_guard_catches_an_admin_that_saves_with_the_model(superuser_request):
    """A test that cannot fail is a defect: an admin writing with Model.save is caught."""
    from projects.models import Milestone

    class CarelessInline(admin.TabularInline):
        model = Milestone

    class CarelessAdmin(admin.ModelAdmin):
        inlines = (CarelessInline,)

        def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
            obj.save()

    careless = CarelessAdmin(Milestone, admin.site)
    save = _overrides(careless, "save_model")
    assert save is not None and not reaches_service(save, [CarelessAdmin])
    assert _overrides(careless, "save_formset") is None
    assert _overrides(careless, "delete_model") is None
    from projects.admin.projects import JointProjectAdmin, MilestoneInline

    assert reaches_service(JointProjectAdmin.save_formset, [JointProjectAdmin, MilestoneInline])
    assert not reaches_service(JointProjectAdmin.save_formset, [JointProjectAdmin, CarelessInline])

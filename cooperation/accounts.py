"""Accounts: allauth's adapter and the second-factor rule for the admin."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.http import HttpRequest

from cooperation.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Give every self-registered person the researcher role, in their language; throttle
    failed sign-ins without locking the owner out (``cooperation.signin``)."""

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Instead of allauth's own count per e-mail address, which refused the right password
        # too: anybody could lock an official out, or everyone behind a shared address.
        from cooperation import signin

        signin.check(request, _login_of(credentials))

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        from cooperation import signin

        signin.record_failure(request, _login_of(credentials))

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        language = getattr(request, "LANGUAGE_CODE", None)
        if language:
            user.language = language
        if commit:
            user.save()
            user.groups.add(Group.objects.get(name=Role.RESEARCHER))
        return user

    def get_login_stages(self) -> list[str]:
        # The second-factor stage also accepts an identity provider's assertion of MFA
        # (cooperation/sso.py); everything else as allauth has it.
        return [
            "cooperation.sso.SsoAwareAuthenticateStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in super().get_login_stages()
        ]


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def passed_second_factor(request: HttpRequest, user: Any = None) -> bool:
    """Tell whether this session passed a second factor (TOTP or a recovery code)."""
    records = get_authentication_records(request, user if user is not None else request.user)
    return any(record.get("method") == "mfa" for record in records)

"""Accounts: allauth's adapter and the second-factor rule for the admin."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

from cooperation.roles import Role


class AccountAdapter(DefaultAccountAdapter):
    """Give every self-registered person the researcher role, in their language; throttle
    failed sign-ins without locking the owner out (``cooperation.signin``)."""

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        # Instead of allauth's own count per e-mail address, which refused the right password
        # too: anybody could lock an official out, or everyone behind a shared address.
        from cooperation import signin

        signin.check(request, _login_of(credentials))
        if is_erased(_login_of(credentials)):
            # Said plainly rather than "wrong password": the person must know that the
            # account and its data are gone, and that registering again starts afresh.
            raise ValidationError(
                _(
                    "The account with this e-mail address was erased at its owner's request; "
                    "its personal data no longer exist. You can register again."
                ),
                code="account_erased",
            )

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        from cooperation import signin

        signin.record_failure(request, _login_of(credentials))

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        # allauth's messages name the site from the request's host ("from 127.0.0.1:8765"):
        # they come from the programme, at SITE_URL, whatever host the request reached.
        super().send_mail(template_prefix, email, {**context, "current_site": ProgrammeSite()})

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation: Any) -> str:
        from django.urls import reverse

        path = reverse("account_confirm_email", args=[emailconfirmation.key])
        return f"{settings.SITE_URL.rstrip('/')}{path}"

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


class ProgrammeSite:
    """The site as allauth's e-mails name it: the programme, at ``SITE_URL``."""

    @property
    def name(self) -> str:
        return _("CDMX–BCN Cooperation Portal")

    @property
    def domain(self) -> str:
        from urllib.parse import urlsplit

        return urlsplit(settings.SITE_URL).netloc

    def __str__(self) -> str:
        return self.name


def _login_of(credentials: dict[str, Any]) -> str:
    return str(credentials.get("email") or credentials.get("username") or "")


def has_totp(user: Any) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def passed_second_factor(request: HttpRequest, user: Any = None) -> bool:
    """Tell whether this session passed a second factor (TOTP or a recovery code)."""
    records = get_authentication_records(request, user if user is not None else request.user)
    return any(record.get("method") == "mfa" for record in records)


def erased_email(email: str, pk: int) -> str:
    """Return the address an erased account keeps: a keyed digest of the old one, no more.

    Nobody can read the old address back from it, but a sign-in with that address can be
    told that its account was erased (``is_erased``).
    """
    return f"erased-{_digest(email)}.{pk}@invalid.example"


def is_erased(login: str) -> bool:
    """Tell whether ``login`` (an e-mail address) belonged to an account erased on request."""
    from cooperation.models import User

    login = login.strip().lower()
    if not login:
        return False
    people = User.objects.filter(is_active=False)
    return (
        people.filter(email__startswith=f"erased-{_digest(login)}.").exists()
        # Blocked, and waiting for the worker to anonymise it.
        or people.filter(
            email__iexact=login, researcher_profile__erasure_requested_at__isnull=False
        ).exists()
    )


def _digest(email: str) -> str:
    key = f"erased-account:{settings.SECRET_KEY}".encode()
    return hmac.new(key, email.strip().lower().encode(), hashlib.sha256).hexdigest()[:32]

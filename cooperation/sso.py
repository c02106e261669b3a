"""Single sign-on through OpenID Connect (allauth's ``openid_connect`` provider).

What a provider may do is configured by environment (config/sso.py) and enforced here:

- A first sign-in is accepted only with an e-mail address the provider says it verified; it
  then links to the existing account of that address (allauth's e-mail authentication), or
  creates one. An unverified address is refused and nothing is created or linked.
- The roles a provider may grant are those an administrator listed for it (group=role), each
  city's official role only by that city's provider; at each sign-in, exactly the listed roles
  follow the provider's groups (others, given in the admin, are left alone), and the official's
  city is set to the provider's city.
- The portal's second-factor rule still applies, unless the provider asserts multi-factor
  authentication in the ID token's ``amr`` (or ``acr``): the session then counts as having
  passed the second factor, and no TOTP is asked on top.
"""

from __future__ import annotations

from typing import Any

from allauth.account.internal.flows.login import record_authentication
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import HttpRequest
from django.shortcuts import render

from cooperation.models import Party, Role, User

CITY_ROLES = {"CDMX": Role.OFFICIAL_CDMX, "BCN": Role.OFFICIAL_BCN}


def provider_settings(sociallogin: SocialLogin) -> dict[str, Any]:
    """Return the settings of the provider the person signed in with (config/sso.py)."""
    provider = sociallogin.account.get_provider()
    return dict(provider.app.settings or {})


def claims(sociallogin: SocialLogin) -> dict[str, Any]:
    """Return the person's claims: the userinfo answer over the verified ID token's claims."""
    data = sociallogin.account.extra_data or {}
    merged: dict[str, Any] = {}
    merged.update(data.get("id_token") or {})
    merged.update(data.get("userinfo") or {})
    return merged


def asserts_mfa(sociallogin: SocialLogin) -> bool:
    """Tell whether the provider asserts a second factor (``amr``/``acr`` of the ID token)."""
    config = provider_settings(sociallogin)
    # amr and acr are statements of the ID token (signed); userinfo only when it has none.
    data = sociallogin.account.extra_data or {}
    token = data.get("id_token") or data.get("userinfo") or {}
    amr = token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(map(str, amr)) & set(config.get("mfa_amr") or []):
        return True
    return bool(token.get("acr")) and str(token.get("acr")) in set(config.get("mfa_acr") or [])


def _groups_of(sociallogin: SocialLogin, claim: str) -> set[str]:
    value = claims(sociallogin).get(claim) or []
    if isinstance(value, str):
        value = [value]
    return {str(item) for item in value}


def sso_roles_apply(*, user: User, sociallogin: SocialLogin) -> set[str]:
    """Give the user exactly the roles the provider may grant and asserts; return them.

    Roles the provider is not allowed to grant are never touched. An official role sets the
    user's city to the provider's (config/sso.py refuses a mapping to the other city's role).
    """
    config = provider_settings(sociallogin)
    mapping: dict[str, str] = config.get("roles") or {}
    if not mapping:
        return set()
    managed = set(mapping.values())
    asserted = {
        role
        for group, role in mapping.items()
        if group in _groups_of(sociallogin, config.get("roles_claim") or "groups")
    }
    city = config.get("city") or ""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        groups = {g.name: g for g in Group.objects.filter(name__in=managed)}
        current = set(locked.groups.filter(name__in=managed).values_list("name", flat=True))
        for role in asserted - current:
            locked.groups.add(groups[role])
        for role in current - asserted:
            locked.groups.remove(groups[role])
        if city and CITY_ROLES[city] in asserted:
            party = Party.objects.get(code=city)
            if locked.party_id != party.pk:
                locked.party = party
                locked.save(update_fields=["party"])
    return asserted


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Refuse a first sign-in without a verified e-mail address (nothing created or linked)."""

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        super().pre_social_login(request, sociallogin)
        if sociallogin.is_existing:
            return
        if not any(address.verified for address in sociallogin.email_addresses):
            raise ImmediateHttpResponse(
                render(request, "socialaccount/sso_refused.html", status=403)
            )

    def is_auto_signup_allowed(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        # Only verified addresses reach here (pre_social_login); no form to fill in.
        return True


class SsoAwareAuthenticateStage(AuthenticateStage):
    """allauth's second-factor stage, satisfied by a provider that asserted MFA.

    The session is recorded as having passed the second factor (``method: mfa``, ``type:
    sso``), which is what ``cooperation.accounts.passed_second_factor`` reads.
    """

    def handle(self) -> tuple:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and asserts_mfa(sociallogin):
            record_authentication(
                self.request,
                self.login.user,
                method="mfa",
                type="sso",
                provider=sociallogin.account.provider,
            )
            return None, True
        return super().handle()


def on_user_logged_in(sender: Any, request: HttpRequest, user: User, **kwargs: Any) -> None:
    """After an SSO sign-in, apply the roles the provider may grant."""
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is not None:
        sso_roles_apply(user=user, sociallogin=sociallogin)

"""Single sign-on for city staff: OpenID Connect providers from the environment.

``SSO_PROVIDERS`` names the providers (``cdmx,bcn``); each ``<ID>`` then has:

- ``SSO_<ID>_SERVER_URL`` (the issuer; ``/.well-known/openid-configuration`` is appended),
  ``SSO_<ID>_CLIENT_ID``, ``SSO_<ID>_CLIENT_SECRET``, ``SSO_<ID>_NAME`` (the button's label);
- ``SSO_<ID>_CITY``: ``CDMX`` or ``BCN``, the only city whose official role it may grant;
- ``SSO_<ID>_ROLES``: what an administrator allows the provider to grant, as
  ``group=role`` pairs (``portal-officials=official_cdmx,portal-reviewers=reviewer``) read
  from the claim ``SSO_<ID>_ROLES_CLAIM`` (default ``groups``). Without it, the provider
  signs people in and grants nothing; roles are then given in the admin.
- ``SSO_<ID>_MFA_AMR`` (default ``mfa,otp,hwk,swk,sms,fpt,face``) and ``SSO_<ID>_MFA_ACR``
  (none by default): the ``amr``/``acr`` values by which the provider asserts a second factor.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import env_list, env_str

ROLES = {
    "programme_admin",
    "official_cdmx",
    "official_bcn",
    "coordinator",
    "reviewer",
    "researcher",
}
CITY_ROLES = {"CDMX": "official_cdmx", "BCN": "official_bcn"}
DEFAULT_MFA_AMR = ["mfa", "otp", "hwk", "swk", "sms", "fpt", "face"]


def _role_map(name: str, value: str, city: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in value.split(","))):
        group, _sep, role = pair.rpartition("=")
        if not group or role not in ROLES:
            raise ImproperlyConfigured(
                f"{name}: {pair!r} must be group=role, the role one of {', '.join(sorted(ROLES))}."
            )
        other_city = {r for c, r in CITY_ROLES.items() if c != city}
        if role in other_city or (role in CITY_ROLES.values() and not city):
            raise ImproperlyConfigured(
                f"{name}: {role} may be granted only by a provider whose SSO_…_CITY is that city."
            )
        mapping[group] = role
    return mapping


def sso_apps() -> list[dict[str, Any]]:
    """Return allauth's APPS of the ``openid_connect`` provider, one per configured provider."""
    apps = []
    for provider_id in env_list("SSO_PROVIDERS", []):
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,29}", provider_id):
            raise ImproperlyConfigured(
                f"SSO_PROVIDERS: {provider_id!r} must be lower-case letters, digits or dashes."
            )
        prefix = f"SSO_{provider_id.upper().replace('-', '_')}_"
        server_url = env_str(prefix + "SERVER_URL", required=True)
        if not server_url.startswith(("https://", "http://")):
            raise ImproperlyConfigured(f"{prefix}SERVER_URL must be the provider's https:// URL.")
        city = env_str(prefix + "CITY").upper()
        if city and city not in CITY_ROLES:
            raise ImproperlyConfigured(f"{prefix}CITY must be CDMX or BCN (or empty).")
        apps.append(
            {
                "provider_id": provider_id,
                "name": env_str(prefix + "NAME", provider_id.upper()),
                "client_id": env_str(prefix + "CLIENT_ID", required=True),
                "secret": env_str(prefix + "CLIENT_SECRET"),
                "settings": {
                    "server_url": server_url,
                    "oauth_pkce_enabled": True,
                    "city": city,
                    "roles_claim": env_str(prefix + "ROLES_CLAIM", "groups"),
                    "roles": _role_map(prefix + "ROLES", env_str(prefix + "ROLES"), city),
                    "mfa_amr": env_list(prefix + "MFA_AMR", DEFAULT_MFA_AMR),
                    "mfa_acr": env_list(prefix + "MFA_ACR", []),
                },
            }
        )
    return apps

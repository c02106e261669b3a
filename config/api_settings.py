"""The partner API's settings (REST framework, OAuth2 provider, OpenAPI schema), built here so
that ``config/settings.py`` stays a list of what the environment chooses."""

from __future__ import annotations

import re
from typing import Any

import orjson
from django.core.exceptions import ImproperlyConfigured

RATE = re.compile(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)")


def checked_rate(name: str, rate: str, *, example: str) -> str:
    """Return ``rate`` (``N/unit``, a throttle's rate), refusing at start-up what is not one."""
    if not RATE.fullmatch(rate):
        raise ImproperlyConfigured(
            f"{name}={rate!r} must look like {example} (N/sec|min|hour|day)."
        )
    return rate


def rest_framework(*, rate: str, anon_rate: str) -> dict[str, Any]:
    """Return REST framework's settings: partners' OAuth2, problem details, strict filters."""
    return {
        "DEFAULT_AUTHENTICATION_CLASSES": [
            "cooperation.api.authentication.PartnerOAuth2Authentication",
            "rest_framework.authentication.SessionAuthentication",
        ],
        "DEFAULT_PERMISSION_CLASSES": ["cooperation.api.permissions.ApiAccess"],
        "DEFAULT_PAGINATION_CLASS": "cooperation.api.pagination.ApiCursorPagination",
        "DEFAULT_FILTER_BACKENDS": [
            "cooperation.api.filters.StrictQueryParamsBackend",
            "cooperation.api.filters.FilterBackend",
            "rest_framework.filters.SearchFilter",
            "rest_framework.filters.OrderingFilter",
        ],
        "DEFAULT_THROTTLE_CLASSES": [
            "cooperation.api.throttling.PerClientThrottle",
            "cooperation.api.throttling.AnonymousThrottle",
        ],
        "DEFAULT_THROTTLE_RATES": {"client": rate, "anon": anon_rate},
        "DEFAULT_SCHEMA_CLASS": "cooperation.api.schema.ProblemAutoSchema",
        "EXCEPTION_HANDLER": "cooperation.api.problems.problem_exception_handler",
        "DEFAULT_RENDERER_CLASSES": [
            "drf_orjson_renderer.renderers.ORJSONRenderer",
            "rest_framework.renderers.BrowsableAPIRenderer",
        ],
        # orjson writes a list page of 100 projects about ten times faster than the json module
        # (bench/api.py); non-string keys (a list field's errors by position) become strings, as
        # the json module would write them.
        "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
        "DEFAULT_PARSER_CLASSES": ["cooperation.api.parsers.UnicodeJSONParser"],
        "TEST_REQUEST_DEFAULT_FORMAT": "json",
    }


def oauth2_provider(*, token_seconds: int) -> dict[str, Any]:
    """Return django-oauth-toolkit's settings: client credentials, the scopes, RFC 9700."""
    return {
        "SCOPES": {
            "read": "Read the programme's public data",
            "projects:write": "Create and update the joint projects of the client's institution",
            "knowledge:write": (
                "Propose and keep the practices of the client's institution, and record and "
                "follow its transfers of the other city's practices"
            ),
            "stays:read": "Read stay statistics and, where allowed, applicants' data",
            "webhooks": "Register webhook endpoints and read their deliveries",
        },
        "SCOPES_BACKEND_CLASS": "cooperation.api.scopes.PartnerScopes",
        "OAUTH2_VALIDATOR_CLASS": "cooperation.api.scopes.PartnerValidator",
        "ACCESS_TOKEN_EXPIRE_SECONDS": token_seconds,
        # Client secrets are random keys: a fast salted hash (see cooperation/api/hashers.py).
        "CLIENT_SECRET_HASHER": "client_sha256",
        "PKCE_REQUIRED": True,
        "REFRESH_TOKEN_REUSE_PROTECTION": True,
        "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
        # The OAuth 2.0 Security Best Current Practice (RFC 9700): no implicit or password grant,
        # tokens only in headers and stored hashed, and the other safe behaviours.
        **{
            f"COMPLIANT_BCP_RFC9700_{gate}": True
            for gate in (
                "IMPLICIT_GRANT",
                "PASSWORD_GRANT",
                "PKCE_METHOD",
                "ACCESS_TOKEN_TRANSPORT",
                "AUTHZ_RESPONSE_ISS",
                "TOKEN_STORAGE",
                "REFRESH_TOKEN",
                "REDIRECT_URI_SCHEME",
            )
        },
    }


def spectacular(*, site_url: str, scopes: dict[str, str]) -> dict[str, Any]:
    """Return drf-spectacular's settings: the schema partners read, with the token URL."""
    return {
        "TITLE": "CDMX–BCN Cooperation Portal API",
        "DESCRIPTION": (
            "Partner API of the Mexico City – Barcelona science, technology and education "
            "cooperation programme. Authenticate with OAuth2 client credentials at /o/token/. "
            "Errors are RFC 9457 problem details."
        ),
        "VERSION": "1.0.0",
        "SERVE_INCLUDE_SCHEMA": False,
        "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
        "SERVE_AUTHENTICATION": [],
        "SWAGGER_UI_DIST": "SIDECAR",
        "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
        "COMPONENT_SPLIT_REQUEST": True,
        # Partner systems use OAuth2; the session login of the browsable API is not documented.
        "AUTHENTICATION_WHITELIST": ["cooperation.api.authentication.PartnerOAuth2Authentication"],
        # The one flow partners use, where to get a token, and the scopes an official may grant.
        "OAUTH2_FLOWS": ["clientCredentials"],
        "OAUTH2_TOKEN_URL": f"{site_url}/o/token/",
        "OAUTH2_SCOPES": scopes,
        "ENUM_NAME_OVERRIDES": {
            "ProjectStatusEnum": "projects.models.ProjectStatus",
            "MilestoneStatusEnum": "projects.models.Milestone.Status",
            "DeliveryStatusEnum": "cooperation.api.models.WebhookDelivery.Status",
            "FundingKindEnum": "projects.models.FundingCommitment.Kind",
            "ParticipationRoleEnum": "projects.models.Participation.Role",
            "PracticeKindEnum": "knowledge.models.PracticeKind",
            "PracticeStatusEnum": "knowledge.models.PracticeStatus",
            "TransferStageEnum": "knowledge.models.TransferStage",
        },
    }

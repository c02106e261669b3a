"""OAuth2 scopes of the partner API; a client only gets the scopes it was given."""

from __future__ import annotations

import hashlib
import logging
from functools import partial
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

SCOPES: dict[str, str] = dict(settings.OAUTH2_PROVIDER["SCOPES"])  # type: ignore[call-overload]
logger = logging.getLogger(__name__)


def token_cache_key(checksum: str) -> str:
    return f"api:token:{checksum}"


def _forget(checksums: list[str]) -> None:
    try:
        cache.delete_many([token_cache_key(checksum) for checksum in checksums])
    except Exception:  # Redis down: the entries expire within API_TOKEN_CACHE_SECONDS
        logger.warning("could not forget cached tokens", exc_info=True)


def forget_tokens(checksums: list[str]) -> None:
    """Forget cached bearer tokens now, and again once the transaction commits.

    Again after the commit: a call that read the token before the change committed may have
    kept it meanwhile.
    """
    if checksums:
        _forget(checksums)
        transaction.on_commit(partial(_forget, checksums))


def _profile(application: Any) -> Any:
    return getattr(application, "partner", None) if application is not None else None


class PartnerScopes(SettingsScopes):
    """A client may ask only for the scopes an official granted it; revoked clients get none."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *a: Any, **k: Any
    ) -> list[str]:
        profile = _profile(application)
        if profile is None or profile.revoked_at is not None:
            return []
        return [scope for scope in profile.scope_list if scope in SCOPES]

    def get_default_scopes(
        self, application: Any = None, request: Any = None, *a: Any, **k: Any
    ) -> list[str]:
        # Asking for no scope gives the client every scope it was granted.
        return self.get_available_scopes(application, request)


class PartnerValidator(OAuth2Validator):
    """Refuse tokens to clients that an official revoked; load a token with what it acts as."""

    def _load_access_token(self, token: str) -> Any:
        """Read the token, its client, the client's profile and account in one query.

        The partner API checks all of them on every call (``PartnerOAuth2Authentication``,
        ``ApiAccess``); ``bench/api.py`` measures the saving. The account's roles are read
        only by the calls that need them (a partner account is never an official or an
        administrator: ``cooperation.roles``).
        """
        checksum = hashlib.sha256(token.encode("utf-8")).hexdigest()
        seconds = settings.API_TOKEN_CACHE_SECONDS
        # Kept briefly in Redis, checked as if just read: its expiry by ``is_valid``, the
        # profile and the account by ``PartnerOAuth2Authentication``. Revoking a client or a
        # token, and any saved change of a token, profile or account, forgets it
        # (``cooperation.api.apps``).
        if seconds:
            try:
                kept = cache.get(token_cache_key(checksum))
            except Exception:  # Redis down: read the database
                kept = None
            if kept is not None:
                return kept
        access_token = next(
            iter(
                # Not the token's user: client-credentials tokens have none (a token that had
                # one would read it when asked).
                AccessToken.objects.select_related("application__partner__account").filter(
                    token_checksum=checksum
                )[:1]  # unique: no ORDER BY, unlike first()
            ),
            None,
        )
        if access_token is not None and seconds:
            left = int((access_token.expires - timezone.now()).total_seconds())
            if left > 0:
                try:
                    cache.set(token_cache_key(checksum), access_token, timeout=min(seconds, left))
                except Exception:  # Redis down: not kept
                    logger.warning("could not keep a token", exc_info=True)
        return access_token

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        profile = _profile(getattr(request, "client", None))
        return profile is not None and profile.revoked_at is None

"""OAuth2 scopes of the partner API; a client only gets the scopes it was given."""

from __future__ import annotations

import hashlib
import time
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from oauth2_provider.models import AccessToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes

SCOPES: dict[str, str] = dict(settings.OAUTH2_PROVIDER["SCOPES"])


# Validated tokens kept in this process: checksum -> (monotonic deadline, token).
_kept: dict[str, tuple[float, Any]] = {}


def _forget(checksums: list[str]) -> None:
    for checksum in checksums:
        _kept.pop(checksum, None)


def forget_tokens(checksums: list[str]) -> None:
    """Forget kept bearer tokens now, and again once the transaction commits.

    Again after the commit: a call that read the token before the change committed may have
    kept it meanwhile. Other processes forget it when their copy expires.
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
        # Kept briefly in this process (no round trip: reading Redis would cost what reading
        # the database does), then checked as if just read: its expiry by ``is_valid``, the
        # profile and the account by ``PartnerOAuth2Authentication``. Revoking a client or a
        # token, and any saved change of a token, profile or account, forgets it here
        # (``cooperation.api.apps``); the other processes within API_TOKEN_CACHE_SECONDS.
        now = time.monotonic()
        kept = _kept.get(checksum)
        if seconds and kept is not None and kept[0] > now:
            return kept[1]
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
            if len(_kept) > 1000:  # a bound: expired ones are never read again
                _kept.clear()
            _kept[checksum] = (now + seconds, access_token)
        return access_token

    def authenticate_client(self, request: Any, *args: Any, **kwargs: Any) -> bool:
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        profile = _profile(getattr(request, "client", None))
        return profile is not None and profile.revoked_at is None

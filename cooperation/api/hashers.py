"""How partner clients' secrets are stored: salted SHA-256, because they are random keys.

A slow password hash (PBKDF2 with a million rounds, Django's default) protects what people
choose, which can be guessed. A client secret is 128 characters drawn at random by
django-oauth-toolkit (about 760 bits): no guess can find it, fast hash or slow, so the slow
hash only made each wrong secret cost the server about 0.6 s of CPU, a gift to anybody
flooding ``/o/token/``. Secrets stored with the old hash keep working.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_noop


class ClientSecretHasher(BasePasswordHasher):
    """Salted SHA-256 for generated, high-entropy client secrets (never for passwords)."""

    algorithm = "client_sha256"

    def encode(self, password: str, salt: str) -> str:
        if password is None or not salt or "$" in salt:
            raise ValueError("a secret and a salt without '$' are needed")
        digest = hashlib.sha256(f"{salt}${password}".encode()).hexdigest()
        return f"{self.algorithm}${salt}${digest}"

    def decode(self, encoded: str) -> dict[str, Any]:
        algorithm, salt, digest = encoded.split("$", 2)
        if algorithm != self.algorithm:
            raise ValueError(f"not a {self.algorithm} hash")
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        return constant_time_compare(encoded, self.encode(password, decoded["salt"]))

    def safe_summary(self, encoded: str) -> dict[Any, Any]:
        decoded = self.decode(encoded)
        return {
            gettext_noop("algorithm"): decoded["algorithm"],
            gettext_noop("salt"): mask_hash(decoded["salt"], show=2),
            gettext_noop("hash"): mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded: str) -> bool:
        return False

    def harden_runtime(self, password: str, encoded: str) -> None:
        return None

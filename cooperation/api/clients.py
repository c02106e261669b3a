"""Services for partner clients: create, revoke and rotate their OAuth2 credentials."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_secret
from oauth2_provider.models import AccessToken, get_application_model

from cooperation.api.models import PartnerProfile
from cooperation.api.scopes import SCOPES
from cooperation.models import Institution, Party


@dataclass(frozen=True)
class Credentials:
    """The client id and the secret, shown once: only a hash of the secret is stored."""

    profile: PartnerProfile
    client_id: str
    client_secret: str


def _check_scopes(scopes: list[str]) -> str:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise ValidationError(
            _("Unknown scopes: %(unknown)s. Known scopes: %(known)s.")
            % {"unknown": ", ".join(unknown), "known": ", ".join(SCOPES)}
        )
    if not scopes:
        raise ValidationError(_("Give the client at least one scope."))
    return " ".join(dict.fromkeys(scopes))


@transaction.atomic
def partner_client_create(
    *,
    name: str,
    scopes: list[str],
    institution: Institution | None = None,
    party: Party | None = None,
) -> Credentials:
    """Create a confidential client-credentials client for an institution or a city."""
    if (institution is None) == (party is None):
        raise ValidationError(_("A partner client belongs to exactly one institution or city."))
    scope_text = _check_scopes(scopes)
    secret = generate_client_secret()
    application = get_application_model().objects.create(
        name=name,
        client_type="confidential",
        authorization_grant_type="client-credentials",
        client_secret=secret,
        hash_client_secret=True,
    )
    profile = PartnerProfile.objects.create(
        application=application, institution=institution, party=party, scopes=scope_text
    )
    return Credentials(profile=profile, client_id=application.client_id, client_secret=secret)


@transaction.atomic
def partner_client_revoke(*, profile: PartnerProfile) -> None:
    """Stop the client at once: no new tokens, and the tokens it holds stop working."""
    profile = PartnerProfile.objects.select_for_update().get(pk=profile.pk)
    if profile.revoked_at is None:
        profile.revoked_at = timezone.now()
        profile.save(update_fields=["revoked_at"])
    AccessToken.objects.filter(application_id=profile.application_id).delete()


@transaction.atomic
def partner_client_rotate(*, profile: PartnerProfile) -> Credentials:
    """Give the client a new secret; the old secret and its tokens stop working."""
    profile = (
        PartnerProfile.objects.select_for_update().select_related("application").get(pk=profile.pk)
    )
    if profile.revoked_at is not None:
        raise ValidationError(_("A revoked client cannot be given a new secret."))
    secret = generate_client_secret()
    application = profile.application
    application.client_secret = secret
    application.save(update_fields=["client_secret"])
    AccessToken.objects.filter(application_id=application.pk).delete()
    return Credentials(profile=profile, client_id=application.client_id, client_secret=secret)

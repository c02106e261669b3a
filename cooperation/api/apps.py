from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "cooperation.api"
    label = "api"
    verbose_name = _("Partner API")

    def ready(self) -> None:
        from django.db import models
        from rest_framework.serializers import ModelSerializer

        from cooperation.api.serializers import UtcDateTimeField
        from cooperation.api.webhooks import due_deliveries
        from cooperation.outbox import dispatch

        dispatch.register(
            "webhook", task="cooperation.api.tasks.deliver_webhook", due=due_deliveries
        )

        # Every model serializer of the API writes and reads instants in UTC.
        ModelSerializer.serializer_field_mapping[models.DateTimeField] = UtcDateTimeField
        self.connect_token_cache()

    def connect_token_cache(self) -> None:
        """Forget a cached bearer token whenever it, its client's profile or account changes.

        Revoking a client deletes its tokens (``partner_client_revoke``), as does revoking a
        token (``/o/revoke_token/``) or rotating a secret: each deletion is seen here, so a
        revoked token stops at once. A profile or account saved (the admin) forgets the
        client's tokens too, and so does a role given to or taken from the account (its roles
        are read from the kept account).
        """
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save
        from oauth2_provider.models import AccessToken

        from cooperation.api.models import PartnerProfile
        from cooperation.api.scopes import forget_tokens

        def token_changed(instance: Any, **_: Any) -> None:
            forget_tokens([instance.token_checksum])

        def client_changed(application_id: int | None) -> None:
            tokens = AccessToken.objects.filter(application_id=application_id)
            forget_tokens(list(tokens.values_list("token_checksum", flat=True)))

        def profile_changed(instance: Any, **_: Any) -> None:
            client_changed(instance.application_id)

        def account_changed(instance: Any, **_: Any) -> None:
            if not instance.is_partner_account:
                return  # people hold no client-credentials token
            profile = PartnerProfile.objects.filter(account_id=instance.pk).first()
            if profile is not None:
                client_changed(profile.application_id)

        def roles_changed(instance: Any, action: str, reverse: bool, pk_set: Any, **_: Any) -> None:
            if not action.startswith("post_"):
                return
            if not reverse:  # account.groups.add/remove/clear
                account_changed(instance)
                return
            # group.user_set changed: the partner accounts among those people (all on clear).
            accounts = get_user_model().objects.filter(is_partner_account=True)
            accounts = accounts.filter(pk__in=pk_set) if pk_set else accounts
            for account in accounts:
                account_changed(account)

        m2m_changed.connect(
            roles_changed, sender=get_user_model().groups.through, dispatch_uid="token-roles"
        )
        for signal in (post_save, post_delete):
            signal.connect(token_changed, sender=AccessToken, dispatch_uid="token-cache-token")
            signal.connect(profile_changed, sender=PartnerProfile, dispatch_uid="token-profile")
            signal.connect(account_changed, sender=get_user_model(), dispatch_uid="token-account")

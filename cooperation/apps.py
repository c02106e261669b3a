from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Programme")
    default = True

    def ready(self) -> None:
        from django.conf import settings

        from cooperation import db

        # Web requests wait for the database as long as their statement timeout allows (plus
        # a margin); workers switch to theirs when they start (config/celery.py).
        db.set_limits(
            connect_timeout=settings.DATABASE_CONNECT_TIMEOUT,
            statement_timeout=settings.DATABASE_STATEMENT_TIMEOUT,
        )
        db.install()

        from allauth.account.signals import user_logged_in

        from cooperation import signin

        # The browser that signs in becomes a trusted device of the account.
        user_logged_in.connect(signin.on_signed_in, dispatch_uid="cooperation-trusted-device")

        from cooperation import admin_labels, sso

        # Third-party admin labels that are plain English strings become translatable
        # (thirdparty_locale/ translates them).
        admin_labels.make_third_party_labels_translatable()

        # After a sign-in through a city's identity provider: the roles it may grant.
        user_logged_in.connect(sso.on_user_logged_in, dispatch_uid="cooperation-sso-roles")


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "cooperation.admin_site.PortalAdminSite"

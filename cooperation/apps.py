from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CooperationConfig(AppConfig):
    name = "cooperation"
    verbose_name = _("Programme")
    default = True


class PortalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "cooperation.admin_site.PortalAdminSite"

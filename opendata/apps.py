from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpendataConfig(AppConfig):
    name = "opendata"
    verbose_name = _("Open data")

    def ready(self) -> None:
        from cooperation.outbox import dispatch
        from opendata.services import due_releases

        # A release is a row of the outbox: handed to a worker after commit, and by the
        # minute sweep when the broker lost it or its worker stopped beating.
        dispatch.register("opendata_release", task="opendata.tasks.build_release", due=due_releases)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        from cooperation.outbox import dispatch
        from reports.services import due_runs

        dispatch.register("report", task="reports.tasks.run_report", due=due_runs)

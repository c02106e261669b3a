from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Researcher stays")

    def ready(self) -> None:
        # Register the tasks in every process (web included): the services queue them by name
        # (exchanges.services.personal_data), so that tasks and services do not import each
        # other, and a name resolves to the task, run eagerly when CELERY_TASK_ALWAYS_EAGER is on.
        from exchanges import tasks  # noqa: F401

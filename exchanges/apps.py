from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Researcher stays")

    def ready(self) -> None:
        # Register the tasks in every process (web included): the services queue them by name
        # (exchanges.services.personal_data), so that tasks and services do not import each
        # other, and a name resolves to the task, run eagerly when CELERY_TASK_ALWAYS_EAGER is on.
        from datetime import datetime

        from cooperation.outbox import dispatch
        from exchanges import tasks  # noqa: F401

        def due_erasures(now: datetime) -> list[int]:
            """Researchers who asked for erasure and are not anonymised yet (the task was lost)."""
            from exchanges.models import ResearcherProfile

            return list(
                ResearcherProfile.objects.filter(
                    erasure_requested_at__lte=now - dispatch.grace(),
                    anonymised_at__isnull=True,
                    user__is_active=False,
                ).values_list("user_id", flat=True)[:1000]
            )

        dispatch.register(
            "erasure",
            task="exchanges.tasks.anonymise_researcher",
            due=due_erasures,
            argument="user_id",
        )

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Researcher stays")

    def ready(self) -> None:
        from datetime import datetime

        from cooperation.outbox import dispatch

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

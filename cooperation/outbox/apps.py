from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    name = "cooperation.outbox"
    label = "outbox"
    verbose_name = _("Outgoing e-mail")

    def ready(self) -> None:
        from cooperation.outbox import dispatch, mail

        dispatch.register("email", task="cooperation.outbox.tasks.send_email", due=mail.due_emails)

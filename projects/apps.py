from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Joint projects")

    def ready(self) -> None:
        from datetime import datetime

        from cooperation.outbox import dispatch

        def due_imports(now: datetime) -> list[int]:
            """Imports whose worker died, or whose task the broker lost (import_runs)."""
            from projects import import_runs

            return import_runs.stale_imports()

        # A confirmed import is a row of the outbox: handed to a worker after commit, and by
        # the minute sweep (sweep-outbox) if the broker lost it or its worker stopped beating.
        dispatch.register("project_import", task="projects.tasks.run_import", due=due_imports)
        self.connect_catalogue_versions()

    def connect_catalogue_versions(self) -> None:
        """Bump the public catalogue's cached counts and reference data on every change.

        Every write of a project, its participations, areas, axes, milestones, indicators,
        measurements and funding, and of an institution, saves or deletes a row through the ORM (the
        services, the admin, the import), which these signals see; the areas, axes and cities
        are the reference data the catalogue keeps per process.
        """
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from cooperation.models import Axis, Institution, Party, StrategicArea
        from projects.catalogue import catalogue_changed, reference_changed
        from projects.models import (
            FundingCommitment,
            Indicator,
            JointProject,
            Measurement,
            Milestone,
            Participation,
        )

        # What the catalogue's and the public project pages show (projects.catalogue keeps
        # the anonymous visitors' pages too), and the API's kept details (funding).
        shown = (
            JointProject,
            Participation,
            Institution,
            Milestone,
            Indicator,
            Measurement,
            FundingCommitment,
        )
        for model in shown:
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model}")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=f"catalogue-{model}")
        for through in (JointProject.areas.through, JointProject.axes.through):
            m2m_changed.connect(
                catalogue_changed, sender=through, dispatch_uid=f"catalogue-{through}"
            )
        for reference in (StrategicArea, Axis, Party):
            uid = f"reference-{reference}"
            post_save.connect(reference_changed, sender=reference, dispatch_uid=uid)
            post_delete.connect(reference_changed, sender=reference, dispatch_uid=uid)

"""Open-data releases: dated sets of public files, their checksums and validation report."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cooperation.storage import NamedStorage

CC_BY_4 = "https://creativecommons.org/licenses/by/4.0/"


@deconstructible
class OpenDataStorage(NamedStorage):
    """The ``opendata`` storage of settings.STORAGES (public files, served by the page's view)."""

    def __init__(self) -> None:
        super().__init__("opendata")


opendata_storage = OpenDataStorage()


class OpenDataSettings(models.Model):
    """The programme's open-data choices, one row that officials edit in the admin."""

    licence_title = models.CharField(
        _("licence"), max_length=120, default="Creative Commons Attribution 4.0 (CC BY 4.0)"
    )
    licence_url = models.URLField(_("licence URL"), default=CC_BY_4)
    retention_days = models.PositiveSmallIntegerField(
        _("keep earlier releases (days)"),
        default=90,
        help_text=_("Published releases older than this are deleted; the latest is always kept."),
    )

    class Meta:
        verbose_name = _("open-data settings")
        verbose_name_plural = _("open-data settings")

    def __str__(self) -> str:
        return gettext("Open-data settings")

    @classmethod
    def current(cls) -> OpenDataSettings:
        """Return the one row (created with its defaults the first time)."""
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class ReleaseQuerySet(models.QuerySet["Release"]):
    def published(self) -> ReleaseQuerySet:
        return self.filter(state=Release.State.PUBLISHED)


class Release(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        BUILDING = "building", _("Building")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    release_date = models.DateField(_("release date"), db_index=True)
    scheduled = models.BooleanField(_("built by the schedule"), default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requested by"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    licence_title = models.CharField(_("licence"), max_length=120, blank=True)
    licence_url = models.URLField(_("licence URL"), blank=True)
    # What each file's check found and which records were left out or completed, kept as
    # message ids and parameters so that each official reads it in their own language.
    report = models.JSONField(_("validation report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-release_date", "-pk"]
        verbose_name = _("open-data release")
        verbose_name_plural = _("open-data releases")
        constraints = [
            # Two beats (or a beat and an official) never schedule the same day twice.
            models.UniqueConstraint(
                fields=["release_date"],
                condition=models.Q(scheduled=True),
                name="opendata_one_scheduled_release_a_day",
            ),
        ]

    def __str__(self) -> str:
        return gettext("Release of %(date)s (#%(id)s)") % {"date": self.release_date, "id": self.pk}

    @property
    def folder(self) -> str:
        return f"releases/{self.release_date.isoformat()}-{self.pk}"


class ReleaseFile(models.Model):
    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        DICTIONARY = "dictionary", _("Data dictionary (CSV)")
        JSON = "json", "JSON"
        GIVING360 = "360giving", "360Giving JSON"
        IATI = "iati", "IATI XML"

    class Validation(models.TextChoices):
        VALID = "valid", _("Valid")
        INVALID = "invalid", _("Invalid")
        NOT_VALIDATED = "not_validated", _("Not validated (schemas unavailable)")

    release = models.ForeignKey(
        Release, on_delete=models.CASCADE, related_name="files", verbose_name=_("release")
    )
    dataset = models.CharField(_("dataset"), max_length=40)
    format = models.CharField(_("format"), max_length=12, choices=Format.choices)
    file = models.FileField(_("file"), storage=opendata_storage, max_length=300)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    records = models.PositiveIntegerField(_("records"))
    validation = models.CharField(_("validation"), max_length=14, choices=Validation.choices)
    errors = models.JSONField(_("validation errors"), default=list, blank=True)

    class Meta:
        ordering = ["release", "dataset", "format"]
        verbose_name = _("release file")
        verbose_name_plural = _("release files")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "dataset", "format"], name="opendata_one_file_per_format"
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1]

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    def as_row(self) -> dict[str, Any]:
        return {"dataset": self.dataset, "format": self.format, "file": self.filename}


EXTENSIONS: dict[str, str] = {
    ReleaseFile.Format.CSV: "csv",
    ReleaseFile.Format.DICTIONARY: "dictionary.csv",
    ReleaseFile.Format.JSON: "json",
    ReleaseFile.Format.GIVING360: "360giving.json",
    ReleaseFile.Format.IATI: "iati.xml",
}
MEDIA_TYPES: dict[str, str] = {
    ReleaseFile.Format.CSV: "text/csv",
    ReleaseFile.Format.DICTIONARY: "text/csv",
    ReleaseFile.Format.JSON: "application/json",
    ReleaseFile.Format.GIVING360: "application/json",
    ReleaseFile.Format.IATI: "application/xml",
}

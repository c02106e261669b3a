"""The programme as data: the agreement, its parties, strategic areas, axes and institutions,
and the people who sign in with their roles (``User.objects.officials()``...).

All of it is edited by officials in the admin and seeded by data migrations keyed on stable
codes; no logic depends on a name.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from cooperation.validators import (
    DateRange,
    normalize_ror_id,
    validate_ror_id,
    validate_web_url,
)

code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9_-]*$",
    _("Use capital letters, digits, hyphens and underscores only."),
)


class WebsiteField(models.URLField):
    """An http(s) address, with one clear message for anything else."""

    default_validators = [validate_web_url]

    def formfield(self, **kwargs: Any) -> Any:  # type: ignore[override]
        kwargs.setdefault("assume_scheme", "https")
        kwargs.setdefault("error_messages", {"invalid": validate_web_url.message})
        return super().formfield(**kwargs)


class Party(models.Model):
    """One of the two cities that signed the agreement."""

    code = models.CharField(_("code"), max_length=10, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=120)
    government = models.CharField(_("signing government"), max_length=200)
    currency = models.CharField(
        _("currency"), max_length=3, help_text=_("ISO 4217 code, for example MXN or EUR.")
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, help_text=_("IANA name, for example Europe/Madrid.")
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")

    def __str__(self) -> str:
        return self.name


# An agreement's validity: open-ended, or ending on or after its start.
AGREEMENT_VALIDITY = DateRange(
    "valid_from",
    "valid_until",
    _("The end of validity cannot be before its start."),
    optional=("valid_until",),
)


class Agreement(models.Model):
    """The Memorandum of Understanding, or a later addendum to it."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    title = models.CharField(_("title"), max_length=255)
    summary = models.TextField(_("summary"), blank=True)
    signed_on = models.DateField(_("signature date"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Leave empty if open-ended.")
    )
    signatories = models.TextField(_("signatories"), help_text=_("One per line."))
    document = models.FileField(_("document"), upload_to="agreements/", blank=True)
    parties = models.ManyToManyField(Party, related_name="agreements", verbose_name=_("parties"))
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="addenda",
        verbose_name=_("amends"),
        help_text=_("For an addendum: the agreement it amends."),
    )

    class Meta:
        ordering = ["signed_on", "code"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            models.CheckConstraint(
                condition=AGREEMENT_VALIDITY.condition,
                name="agreement_valid_until_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        AGREEMENT_VALIDITY.check(self.valid_from, self.valid_until)


class ReferenceItem(models.Model):
    """A numbered, coded entry of the programme's catalogue (an area or an axis)."""

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=255)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class StrategicArea(ReferenceItem):
    """One of the agreement's eight strategic areas of cooperation."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("strategic area")
        verbose_name_plural = _("strategic areas")


class Axis(ReferenceItem):
    """One of the agreement's four technical axes."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("axis")
        verbose_name_plural = _("axes")


class Institution(models.Model):
    """A university, research centre, company or other body that takes part in the programme."""

    class Kind(models.TextChoices):
        UNIVERSITY = "university", _("University")
        RESEARCH_CENTRE = "research_centre", _("Research centre")
        INCUBATOR = "incubator", _("Incubator")
        TECHNOLOGY_CENTRE = "technology_centre", _("Technology development centre")
        COMPANY = "company", _("Company")
        CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
        GOVERNMENT = "government", _("Government body")
        SCHOOL = "school", _("School")

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[code_validator],
        help_text=_("A short stable code, for example UNAM or UPC."),
    )
    name = models.CharField(_("name"), max_length=255)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="institutions", verbose_name=_("city")
    )
    ecos_member = models.BooleanField(_("ECOS Network member"), default=False)
    website = WebsiteField(_("website"), blank=True)
    ror_id = models.CharField(
        _("ROR identifier"),
        max_length=40,
        blank=True,
        validators=[validate_ror_id],
        help_text=_("Research Organization Registry id, for example 01tmp8f25."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        constraints = [
            models.UniqueConstraint(
                fields=["ror_id"],
                condition=~models.Q(ror_id=""),
                name="institution_unique_ror_id",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def clean(self) -> None:
        self.ror_id = normalize_ror_id(self.ror_id)

    @property
    def ror_url(self) -> str:
        return f"https://ror.org/{self.ror_id}" if self.ror_id else ""


class TimelineEntry(models.Model):
    """One step in the life of a record: who moved it, when, from which state to which.

    Each workflow keeps its own concrete subclass with a foreign key to its record, written by
    the record's transition service in the same transaction as the change.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        "cooperation.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    from_status = models.CharField(_("from"), max_length=40, blank=True)
    to_status = models.CharField(_("to"), max_length=40)
    # What the portal says about the step is stored as a key of ``NOTES`` with its parameters,
    # never as a sentence: it is written in the language of whoever reads it, not of whoever
    # made the change. ``note`` is what a person wrote (a reason, a comment), kept as written,
    # with the language it was written in so that pages can mark it (WCAG 3.1.2).
    note_key = models.CharField(_("message"), max_length=60, blank=True)
    note_params = models.JSONField(_("message parameters"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    note_language = models.CharField(_("language of the note"), max_length=8, blank=True)

    # The messages a subclass's service may write: key -> lazily translated text, whose
    # ``%(name)s`` placeholders are filled from ``note_params``.
    NOTES: ClassVar[dict[str, Any]] = {}

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    @property
    def message(self) -> str:
        """Return the portal's message in the active language (empty when there is none)."""
        text = self.NOTES.get(self.note_key)
        if text is None:
            return ""
        try:
            return str(text) % self.note_params if self.note_params else str(text)
        except (KeyError, TypeError, ValueError):
            # A row written by an older version with other parameters still reads.
            return str(text)

    @property
    def text(self) -> str:
        """Return the message and the person's note, for plain-text readers (e-mail, admin)."""
        return " ".join(part for part in (self.message, self.note) if part)


class Role(models.TextChoices):
    """The portal's roles: each is a Django group whose name is the role's code.

    The groups and their model permissions are created by ``migrations/0003_roles.py``; the
    object scope each role implies (an official's city, a coordinator's institution) is read
    by ``cooperation.roles``.
    """

    PROGRAMME_ADMIN = "programme_admin", _("Programme administrator")
    OFFICIAL_CDMX = "official_cdmx", _("Official of Mexico City")
    OFFICIAL_BCN = "official_bcn", _("Official of Barcelona")
    COORDINATOR = "coordinator", _("Institution coordinator")
    REVIEWER = "reviewer", _("Reviewer")
    RESEARCHER = "researcher", _("Researcher")


OFFICIAL_ROLES = (Role.OFFICIAL_CDMX, Role.OFFICIAL_BCN)
# Roles that open the admin; each of them must pass a second factor first.
STAFF_ROLES = (Role.PROGRAMME_ADMIN, *OFFICIAL_ROLES)


class UserQuerySet(models.QuerySet["User"]):
    """The people the portal writes to or offers in a list, by role."""

    def with_role(self, *roles: str) -> UserQuerySet:
        """Return the active people holding any of ``roles``, each once."""
        return self.filter(is_active=True, groups__name__in=roles).distinct()

    def officials(self) -> UserQuerySet:
        """Return the active officials of both cities (``party`` tells each one's city)."""
        return self.with_role(*OFFICIAL_ROLES)

    def coordinators(self) -> UserQuerySet:
        """Return the active coordinators (``institution`` tells each one's institution)."""
        return self.with_role(Role.COORDINATOR)

    def reviewers(self) -> UserQuerySet:
        """Return the active reviewers of stay applications."""
        return self.with_role(Role.REVIEWER)


class UserManager(BaseUserManager["User"]):
    """Manage users identified by their e-mail address; read them by role (``UserQuerySet``)."""

    use_in_migrations = True

    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def with_role(self, *roles: str) -> UserQuerySet:
        return self.get_queryset().with_role(*roles)

    def officials(self) -> UserQuerySet:
        return self.get_queryset().officials()

    def coordinators(self) -> UserQuerySet:
        return self.get_queryset().coordinators()

    def reviewers(self) -> UserQuerySet:
        return self.get_queryset().reviewers()

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person who signs in: an official, a coordinator, a reviewer or a researcher.

    The role comes from the user's groups (see ``cooperation.roles``); the object scope it
    implies comes from ``party`` (an official's city) and ``institution`` (a coordinator's).
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="officials",
        verbose_name=_("city"),
        help_text=_("For officials: the city whose programme office they belong to."),
    )
    institution = models.ForeignKey(
        Institution,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("institution"),
        help_text=_("For coordinators: the institution they act for."),
    )
    is_partner_account = models.BooleanField(
        _("partner system account"),
        default=False,
        help_text=_(
            "The account a partner system's API client acts as; it never signs in and gets no "
            "e-mail."
        ),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=8,
        default="es",
        help_text=_("Language of the e-mails the portal sends to this person."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full = self.get_full_name()
        return f"{full} <{self.email}>" if full else self.email

    @property
    def role_codes(self) -> set[str]:
        """Return the role codes of the user's groups (cached per instance)."""
        cached: set[str] | None = getattr(self, "_role_codes", None)
        if cached is None:
            cached = set(self.groups.values_list("name", flat=True))
            self._role_codes = cached
        return cached

    def has_role(self, *codes: str) -> bool:
        return bool(self.role_codes.intersection(codes))

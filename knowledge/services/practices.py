"""A practice's record: proposed, changed, reviewed (published or returned), its documents.

Every path (the coordinators' portal, the officials' admin, the API, the demo data) calls
these functions; none saves a practice itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cooperation.models import Axis, Institution, StrategicArea, User
from cooperation.uploads import clean_pdf_name, validate_pdf
from cooperation.validators import validate_web_url
from knowledge import events
from knowledge.models import (
    TRANSLATED_FIELDS,
    Audience,
    Licence,
    Practice,
    PracticeAttachment,
    PracticeEvent,
    PracticeKind,
    PracticeLink,
    PracticeStatus,
)
from knowledge.permissions import (
    can_add_practice,
    can_delete_practice,
    can_edit_practice,
    can_review_practice,
    is_practice_coordinator,
)
from knowledge.workflow import COORDINATOR, NOTE_REQUIRED, OFFICIAL, PRACTICE_TRANSITIONS
from projects.models import JointProject

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

S = PracticeStatus

# The columns of a practice's texts in each language (django-modeltranslation).
PRACTICE_TEXTS = frozenset(
    f"{field}_{language}" for field in TRANSLATED_FIELDS for language, _name in settings.LANGUAGES
)


def _actor_kinds(actor: User | AnonymousUser, practice: Practice) -> set[str]:
    kinds = set()
    if can_review_practice(actor, practice):
        kinds.add(OFFICIAL)
    if is_practice_coordinator(actor, practice.institution_id):
        kinds.add(COORDINATOR)
    return kinds


def allowed_practice_moves(actor: User | AnonymousUser, practice: Practice) -> list[str]:
    """Return the statuses the actor may move the practice to now."""
    kinds = _actor_kinds(actor, practice)
    return [
        to
        for (frm, to), who in PRACTICE_TRANSITIONS.items()
        if frm == practice.status and who & kinds and (frm, to) != (S.PUBLISHED, S.IN_REVIEW)
    ]


def _check_choices(*, kind: str, licence: str, audiences: Iterable[str]) -> None:
    errors: dict[str, Any] = {}
    if kind not in PracticeKind.values:
        errors["kind"] = _("Choose one of the kinds of practice.")
    if licence not in Licence.values:
        errors["licence"] = _("Choose one of the licences.")
    if any(audience not in Audience.values for audience in audiences):
        errors["audiences"] = _("Choose the audiences from the list.")
    if errors:
        raise ValidationError(errors)


def _check_texts(texts: Mapping[str, str]) -> None:
    for column in texts:
        if column not in PRACTICE_TEXTS:
            raise ValueError(f"{column} is not a translated text of a practice")


def _check_title(practice: Practice) -> None:
    # The Spanish title is the practice's name everywhere (the required language).
    if not (practice.title_es or "").strip():  # type: ignore[attr-defined]
        raise ValidationError(
            {"title_es": _("A practice needs a title in Spanish.")}, code="title_required"
        )


def _record(
    practice: Practice, *, actor: User | None, frm: str, to: str, note: str, note_key: str = ""
) -> None:
    # Every status change of a practice, by whatever path, writes its timeline row here: the
    # portal's message as a key (read in the reader's language), a person's note as written.
    if note_key and note_key not in PracticeEvent.NOTES:
        raise ValueError(f"unknown timeline message {note_key!r}")
    PracticeEvent.objects.create(
        practice=practice,
        actor=actor,
        from_status=frm,
        to_status=to,
        note_key=note_key,
        note=note,
        note_language=(translation.get_language() or "") if note else "",
    )


@transaction.atomic
def practice_create(
    *,
    actor: User,
    institution: Institution,
    kind: str,
    licence: str,
    primary_area: StrategicArea,
    texts: Mapping[str, str],
    areas: Iterable[StrategicArea] = (),
    axes: Iterable[Axis] = (),
    audiences: Iterable[str] = (),
    partners: Iterable[Institution] = (),
    projects: Iterable[JointProject] = (),
) -> Practice:
    """Create a draft practice of ``institution``, its city of origin the institution's.

    ``texts`` gives the texts by column (``{"title_es": …, "problem_ca": …}``).
    """
    if not can_add_practice(actor, institution):
        raise PermissionDenied(_("You may propose practices of your own institution only."))
    audiences = list(dict.fromkeys(audiences))
    _check_choices(kind=kind, licence=licence, audiences=audiences)
    _check_texts(texts)
    practice = Practice(
        institution=institution,
        origin_id=institution.party_id,
        kind=kind,
        licence=licence,
        primary_area=primary_area,
        audiences=audiences,
        status=S.DRAFT,
        created_by=actor,
    )
    for column, text in texts.items():
        setattr(practice, column, text)
    _check_title(practice)
    practice.save()
    practice.areas.set(list(areas))
    practice.axes.set(list(axes))
    practice.partners.set([p for p in partners if p.pk != institution.pk])
    practice.projects.set(list(projects))
    _record(practice, actor=actor, frm="", to=S.DRAFT, note="")
    return practice


def _same(new: Any, old: Any) -> bool:
    # A text of a language that was never written is stored as NULL; a form sends it as "".
    return new == old or (new in (None, "") and old in (None, ""))


# What no edit changes: the review moves only through ``practice_transition``; the institution
# and its city are the practice's owner.
_FIXED_FIELDS = (
    "status",
    "institution_id",
    "origin_id",
    "published_at",
    "review_note",
    "created_by_id",
)
_RELATIONS = ("areas", "axes", "partners", "projects")


def _record_back_to_review(practice: Practice, *, actor: User) -> None:
    _record(
        practice,
        actor=actor,
        frm=S.PUBLISHED,
        to=S.IN_REVIEW,
        note="",
        note_key="back_to_review",
    )


def _touched(stored: Practice, *, actor: User) -> None:
    """Date a change of a practice's links or documents; a published practice goes back to
    review (off the public pages until an official publishes it again)."""
    fields = ["updated_at"]
    was_published = stored.status == S.PUBLISHED
    if was_published:
        stored.status = S.IN_REVIEW
        fields.append("status")
    stored.save(update_fields=fields)
    if was_published:
        _record_back_to_review(stored, actor=actor)


def _locked_for_edit(actor: User, practice: Practice) -> Practice:
    stored = Practice.objects.select_for_update().get(pk=practice.pk)
    if not can_edit_practice(actor, stored):
        raise PermissionDenied(_("You may not change this practice."))
    return stored


@transaction.atomic
def practice_update(
    *,
    actor: User,
    practice: Practice,
    areas: Iterable[StrategicArea] | None = None,
    axes: Iterable[Axis] | None = None,
    partners: Iterable[Institution] | None = None,
    projects: Iterable[JointProject] | None = None,
) -> Practice:
    """Save the changed fields of a practice (its texts, kind, areas, audiences, licence…).

    ``practice`` carries the new values; the stored row, locked, decides who may change it.
    A published practice that changes goes back to review, in the same save.
    """
    stored = _locked_for_edit(actor, practice)
    for name in _FIXED_FIELDS:
        if getattr(practice, name) != getattr(stored, name):
            raise ValidationError(
                _(
                    "A practice keeps its institution, and its status moves only through its "
                    "review."
                ),
                code="fixed_field",
            )
    _check_choices(kind=practice.kind, licence=practice.licence, audiences=practice.audiences)
    _check_title(practice)
    changed = [
        field.attname
        for field in Practice._meta.concrete_fields
        if field.editable
        and not field.primary_key
        and field.name not in TRANSLATED_FIELDS
        and not _same(getattr(practice, field.attname), getattr(stored, field.attname))
    ]
    touched = bool(changed)
    for relation, values in zip(_RELATIONS, (areas, axes, partners, projects), strict=True):
        if values is None:
            continue
        manager: Any = getattr(practice, relation)
        wanted = {value.pk for value in values}
        if relation == "partners":
            wanted.discard(stored.institution_id)
        if wanted != set(manager.values_list("pk", flat=True)):
            manager.set(list(wanted))
            touched = True
    if touched:
        # One save, so that the history's row carries the new texts and the new status.
        if stored.status == S.PUBLISHED:
            practice.status = S.IN_REVIEW
            changed.append("status")
        practice.save(update_fields=[*changed, "updated_at"])
        if stored.status == S.PUBLISHED:
            _record_back_to_review(practice, actor=actor)
    return practice


@transaction.atomic
def practice_transition(
    *, actor: User, practice: Practice, to_status: str, note: str = ""
) -> Practice:
    """Move a practice through its review and record it in its timeline."""
    # Lock the row: two officials reviewing at once must not both move it from one state.
    practice = Practice.objects.select_for_update().select_related("origin").get(pk=practice.pk)
    if to_status not in S.values:
        raise ValidationError(_("Unknown status."), code="unknown_status")
    move = (practice.status, to_status)
    allowed = PRACTICE_TRANSITIONS.get(move)
    if allowed is None:
        raise ValidationError(
            _("A practice cannot go from “%(from)s” to “%(to)s”."),
            code="invalid_transition",
            params={"from": S(practice.status).label, "to": S(to_status).label},
        )
    if not allowed & _actor_kinds(actor, practice):
        raise PermissionDenied(_("You may not make this change to this practice."))
    note = (note or "").strip()
    if move in NOTE_REQUIRED and not note:
        raise ValidationError(
            {"note": _("Say what the institution should change before it is published.")},
            code="note_required",
        )
    practice.status = to_status
    fields = ["status", "updated_at"]
    if to_status == S.RETURNED:
        practice.review_note = note
        fields.append("review_note")
    if to_status == S.PUBLISHED:
        practice.published_at = timezone.now()
        practice.review_note = ""
        fields += ["published_at", "review_note"]
    practice.save(update_fields=fields)
    _record(practice, actor=actor, frm=move[0], to=to_status, note=note)
    if to_status == S.PUBLISHED:
        events.practice_published(practice)
    return practice


def practice_submit(*, actor: User, practice: Practice, note: str = "") -> Practice:
    """Send a draft (or a returned practice) to the officials of its city for review."""
    return practice_transition(actor=actor, practice=practice, to_status=S.IN_REVIEW, note=note)


def practice_publish(*, actor: User, practice: Practice, note: str = "") -> Practice:
    """Publish a practice in review: it appears on the public pages and in the API."""
    return practice_transition(actor=actor, practice=practice, to_status=S.PUBLISHED, note=note)


def practice_return(*, actor: User, practice: Practice, note: str) -> Practice:
    """Return a practice in review to its institution, saying what to change."""
    return practice_transition(actor=actor, practice=practice, to_status=S.RETURNED, note=note)


@transaction.atomic
def practice_delete(*, actor: User, practice: Practice) -> None:
    """Delete a practice entered by mistake; one that was ever published stays on record."""
    stored = Practice.objects.select_for_update().get(pk=practice.pk)
    if not can_delete_practice(actor, stored):
        raise PermissionDenied(
            _("Only a practice never published may be deleted, by those who keep it.")
        )
    files = [(a.file.storage, a.file.name) for a in stored.attachments.all()]
    stored.delete()
    # The files go once the rows are gone for good: a rolled-back delete keeps them.
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files])


def _check_licence(licence: str) -> None:
    if licence not in Licence.values:
        raise ValidationError({"licence": _("Choose one of the licences.")})


@transaction.atomic
def practice_link_add(
    *, actor: User, practice: Practice, title: str, url: str, licence: str
) -> PracticeLink:
    """Add a web page about the practice; a published practice goes back to review."""
    stored = _locked_for_edit(actor, practice)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the link a title.")})
    try:
        validate_web_url(url)
    except ValidationError as error:
        raise ValidationError({"url": error.messages}) from error
    _check_licence(licence)
    link = PracticeLink.objects.create(practice=stored, title=title, url=url, licence=licence)
    _touched(stored, actor=actor)
    return link


@transaction.atomic
def practice_link_remove(*, actor: User, link: PracticeLink) -> None:
    """Remove a link of a practice; a published practice goes back to review."""
    stored = _locked_for_edit(actor, link.practice)
    PracticeLink.objects.filter(pk=link.pk, practice=stored).delete()
    _touched(stored, actor=actor)


@transaction.atomic
def practice_attachment_add(
    *, actor: User, practice: Practice, title: str, upload: IO[bytes], name: str, licence: str
) -> PracticeAttachment:
    """Attach a PDF document, checked by its content; a published practice goes back to review."""
    stored = _locked_for_edit(actor, practice)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the document a title.")})
    _check_licence(licence)
    try:
        original_name = clean_pdf_name(name)
        upload.seek(0, 2)
        size = upload.tell()
        validate_pdf(upload, size, limit=settings.KNOWLEDGE_ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    attachment = PracticeAttachment(
        practice=stored, title=title, original_name=original_name, size=size, licence=licence
    )
    attachment.file.save(original_name, File(upload), save=False)
    attachment.save()
    _touched(stored, actor=actor)
    return attachment


@transaction.atomic
def practice_attachment_remove(*, actor: User, attachment: PracticeAttachment) -> None:
    """Remove a document of a practice (its file after commit); back to review if published."""
    stored = _locked_for_edit(actor, attachment.practice)
    name, storage = attachment.file.name, attachment.file.storage
    PracticeAttachment.objects.filter(pk=attachment.pk, practice=stored).delete()
    transaction.on_commit(lambda: storage.delete(name))
    _touched(stored, actor=actor)

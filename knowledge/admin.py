"""Practices and transfers in the admin, for officials.

Officials of both cities read every practice and transfer. An official reviews (publishes or
returns) and corrects the practices of their own city, and keeps the transfers to their own
city's institutions (``knowledge/permissions.py``). Every save, inline and action goes through
``knowledge.services`` (the pattern of ``projects/admin/base.py``), so a published practice
that an official corrects goes back to review as it does in the portal.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from modeltranslation.admin import TranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from cooperation.models import Institution
from cooperation.roles import is_programme_admin, official_party_id
from knowledge import services
from knowledge.forms import PracticeReviewForm
from knowledge.models import (
    Audience,
    Practice,
    PracticeAttachment,
    PracticeEvent,
    PracticeLink,
    PracticeStatus,
    Transfer,
    TransferEvent,
    TransferStage,
)
from knowledge.permissions import (
    can_change_transfer,
    can_delete_practice,
    can_edit_practice,
)
from projects.admin.base import ReadOnlyHistoryMixin, ServiceAdminMixin, adopt, refusals
from projects.admin.moves import MOVES_CHANGE_FORM, MovesAdminMixin


def _own_institutions(request: HttpRequest) -> QuerySet[Institution]:
    """The institutions an official may act for: their city's (all for administrators)."""
    institutions = Institution.objects.filter(active=True)
    if is_programme_admin(request.user):
        return institutions
    return institutions.filter(party_id=official_party_id(request.user) or 0)


class _Timeline(admin.TabularInline):
    extra = 0
    fields = ("at", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PracticeTimelineInline(_Timeline):
    model = PracticeEvent


class TransferTimelineInline(_Timeline):
    model = TransferEvent


class _PracticePart(admin.TabularInline):
    """A link or a document, added and removed through the practice's services."""

    extra = 0

    def _may_change(self, request: HttpRequest, obj: Any) -> bool:
        return obj is not None and can_edit_practice(request.user, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_add_permission(request, obj) and self._may_change(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A link or document is replaced (removed and added again), never edited in place.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and self._may_change(request, obj)

    def add(self, *, actor: Any, practice: Practice, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def remove(self, *, actor: Any, obj: Any) -> None:
        raise NotImplementedError

    def dispatch(self, *, actor: Any, practice: Practice, formset: Any) -> None:
        label = str(formset.model._meta.verbose_name_plural).capitalize()
        with refusals(label):
            for form in formset.extra_forms:
                if form.has_changed() and not form.cleaned_data.get("DELETE"):
                    formset.new_objects.append(
                        self.add(actor=actor, practice=practice, data=form.cleaned_data)
                    )
            for form in formset.initial_forms:
                if form.cleaned_data.get("DELETE"):
                    self.remove(actor=actor, obj=form.instance)
                    formset.deleted_objects.append(form.instance)

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.inline = self  # type: ignore[attr-defined]  # read by save_formset
        return formset


class LinkInline(_PracticePart):
    model = PracticeLink
    fields = ("title", "url", "licence")

    def add(self, *, actor: Any, practice: Practice, data: dict[str, Any]) -> Any:
        return services.practice_link_add(
            actor=actor,
            practice=practice,
            title=data.get("title") or "",
            url=data.get("url") or "",
            licence=data.get("licence") or "",
        )

    def remove(self, *, actor: Any, obj: Any) -> None:
        services.practice_link_remove(actor=actor, link=obj)


class AttachmentInline(_PracticePart):
    model = PracticeAttachment
    fields = ("title", "file", "licence")

    def add(self, *, actor: Any, practice: Practice, data: dict[str, Any]) -> Any:
        upload = data.get("file")
        if upload is None:
            raise ValidationError(_("Choose a PDF file."))
        return services.practice_attachment_add(
            actor=actor,
            practice=practice,
            title=data.get("title") or "",
            upload=upload,
            name=upload.name or "",
            licence=data.get("licence") or "",
        )

    def remove(self, *, actor: Any, obj: Any) -> None:
        services.practice_attachment_remove(actor=actor, attachment=obj)


class PracticeAdminForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=gettext_lazy("audiences"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Practice
        # The page's fieldsets name the rest (``PracticeAdmin.get_fieldsets``).
        fields = ("audiences",)


@admin.register(Practice)
class PracticeAdmin(
    MovesAdminMixin, ServiceAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin, TranslationAdmin
):
    form = PracticeAdminForm
    list_display = ("title", "kind", "institution", "origin", "status", "published_at")
    list_filter = ("status", "kind", "origin", "primary_area", "licence")
    search_fields = ("title_es", "title_ca", "title_en", "institution__name_es")
    list_per_page = 50
    readonly_fields = ("origin", "status", "review_note", "published_at", "created_at")
    filter_horizontal = ("areas", "axes", "partners", "projects")
    inlines = (LinkInline, AttachmentInline, PracticeTimelineInline)
    actions = ["submit_for_review", "publish"]
    move_form = PracticeReviewForm
    change_form_template = MOVES_CHANGE_FORM
    move_path = "review"
    move_texts = {
        "title": gettext_lazy("Review"),
        "legend": gettext_lazy("Publish, return or send the practice for review"),
        "none": gettext_lazy("No review step is open to you for this practice now."),
    }

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            (None, {"fields": ("kind", "institution", "origin", "licence", "audiences")}),
            (
                _("Texts"),
                {
                    "fields": tuple(
                        f"{field}_{language}"
                        for field in services.practices.TRANSLATED_FIELDS
                        for language in ("es", "ca", "en")
                    )
                },
            ),
            (_("Areas and axes"), {"fields": ("primary_area", "areas", "axes")}),
            (_("Institutions and projects"), {"fields": ("partners", "projects")}),
            (_("Review"), {"fields": ("status", "review_note", "published_at", "created_at")}),
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A practice belongs to its institution for good.
        return (*self.readonly_fields, "institution") if obj is not None else self.readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Practice]:
        return super().get_queryset(request).select_related("institution", "origin")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            # The choices an official may make; a forged one is refused by the form.
            kwargs["queryset"] = _own_institutions(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_edit_practice(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or can_delete_practice(request.user, obj))

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        data = form.cleaned_data
        relations = {name: data.get(name) for name in ("areas", "axes", "partners", "projects")}
        with refusals():
            if change:
                services.practice_update(actor=request.user, practice=obj, **relations)  # type: ignore[arg-type]
                return
            texts = {
                column: data.get(column) or ""
                for column in services.PRACTICE_TEXTS
                if column in data
            }
            saved = services.practice_create(
                actor=request.user,  # type: ignore[arg-type]
                institution=data["institution"],
                kind=data["kind"],
                licence=data["licence"],
                primary_area=data["primary_area"],
                texts=texts,
                audiences=data.get("audiences") or (),
                **{name: values or () for name, values in relations.items()},
            )
        adopt(obj, saved)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The relations were saved by the service; each inline's changes go to its own."""
        for formset in formsets:
            self.save_formset(request, form, formset, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        inline = getattr(formset, "inline", None)
        if not isinstance(inline, _PracticePart):
            return  # the timeline is read only
        inline.dispatch(actor=request.user, practice=form.instance, formset=formset)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with refusals():
            services.practice_delete(actor=request.user, practice=obj)  # type: ignore[arg-type]

    def allowed_moves(self, user: Any, obj: Any) -> list[str]:
        return services.allowed_practice_moves(user, obj)

    def make_move(self, *, actor: Any, obj: Any, to: str, note: str = "") -> None:
        services.practice_transition(actor=actor, practice=obj, to_status=to, note=note)

    def moved_message(self, obj: Any, to: str) -> str:
        return _("The practice moved to “%(status)s”.") % {"status": PracticeStatus(to).label}

    def bulk_moved_message(self, count: int, to: str) -> str:
        return _("%(count)s practice(s) moved to “%(status)s”.") % {
            "count": count,
            "status": PracticeStatus(to).label,
        }

    @admin.action(description=gettext_lazy("Send the selected practices for review"))
    def submit_for_review(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, PracticeStatus.IN_REVIEW)

    @admin.action(description=gettext_lazy("Publish the selected practices"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, PracticeStatus.PUBLISHED)


def _stage_label(to_stage: str) -> str:
    return _("Move the selected transfers to “%(stage)s”") % {
        "stage": TransferStage(to_stage).label
    }


stage_label = lazy(_stage_label, str)


@admin.register(Transfer)
class TransferAdmin(
    MovesAdminMixin, ServiceAdminMixin, ReadOnlyHistoryMixin, SimpleHistoryAdmin, TranslationAdmin
):
    list_display = ("practice", "institution", "stage", "started_on", "ended_on", "public")
    list_filter = ("stage", "public", "practice__origin")
    search_fields = ("practice__title_es", "institution__name_es")
    readonly_fields = ("stage", "created_at", "updated_at")
    inlines = (TransferTimelineInline,)
    actions = ["move_to_planning", "move_to_pilot", "move_to_adopted", "move_to_discontinued"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            "practice",
            "institution",
            "stage",
            ("started_on", "ended_on"),
            ("origin_contact_name", "origin_contact_email"),
            ("adopter_contact_name", "adopter_contact_email"),
            *(f"{f}_{lang}" for f in ("adaptations", "lessons") for lang in ("es", "ca", "en")),
            "public",
            "created_at",
            "updated_at",
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is not None:
            return (*self.readonly_fields, "practice", "institution")
        return self.readonly_fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Transfer]:
        return super().get_queryset(request).for_listing()  # type: ignore[attr-defined]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "institution":
            kwargs["queryset"] = _own_institutions(request)
        if db_field.name == "practice":
            kwargs["queryset"] = Practice.objects.published()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or can_change_transfer(request.user, obj))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A transfer is a record of the exchange: it is discontinued, never deleted.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        with refusals():
            if change:
                services.transfer_update(actor=request.user, transfer=obj)  # type: ignore[arg-type]
                return
            data = form.cleaned_data
            saved = services.transfer_create(
                actor=request.user,  # type: ignore[arg-type]
                practice=data["practice"],
                institution=data["institution"],
                started_on=data["started_on"],
                origin_contact_name=data["origin_contact_name"],
                origin_contact_email=data["origin_contact_email"],
                adopter_contact_name=data["adopter_contact_name"],
                adopter_contact_email=data["adopter_contact_email"],
                texts={c: data.get(c) or "" for c in services.TRANSFER_TEXTS if c in data},
                public=bool(data.get("public")),
            )
        adopt(obj, saved)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        # The timeline is the only inline, and read only.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []

    def make_move(self, *, actor: Any, obj: Any, to: str, note: str = "") -> None:
        services.transfer_move(actor=actor, transfer=obj, to_stage=to)

    def bulk_moved_message(self, count: int, to: str) -> str:
        return _("%(count)s transfer(s) moved to “%(stage)s”.") % {
            "count": count,
            "stage": TransferStage(to).label,
        }

    @admin.action(description=stage_label(TransferStage.PLANNING))
    def move_to_planning(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, TransferStage.PLANNING)

    @admin.action(description=stage_label(TransferStage.PILOT))
    def move_to_pilot(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, TransferStage.PILOT)

    @admin.action(description=stage_label(TransferStage.ADOPTED))
    def move_to_adopted(self, request: HttpRequest, queryset: QuerySet) -> None:
        self.bulk_move(request, queryset, TransferStage.ADOPTED)

    @admin.action(description=stage_label(TransferStage.DISCONTINUED))
    def move_to_discontinued(self, request: HttpRequest, queryset: QuerySet) -> None:
        # The lessons learned are written on the transfer's page first; without them the
        # service refuses and says so.
        self.bulk_move(request, queryset, TransferStage.DISCONTINUED)


# Events and their registrations have their own module (knowledge/event_admin.py).
from knowledge import event_admin  # noqa: E402, F401

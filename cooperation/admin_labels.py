"""The labels the admin shows, and the third-party ones made translatable.

The admin shows the names of apps and models, field labels, column headers and action names
of the portal's models and of third-party apps' (allauth, django-celery-beat, Django OAuth
Toolkit, django-simple-history's history models). Some third-party labels are plain English
strings (``"Task Name"``, ``"authenticator"``, ``"Django OAuth Toolkit"``) that no catalogue can
translate: ``make_third_party_labels_translatable`` turns them into lazy translations of the
same words when the portal starts, and the vendored catalogue (``thirdparty_locale/``,
``manage.py thirdparty_messages``) translates them. ``untranslated_labels`` walks the admin's
registry, which ``tests/test_i18n.py`` reads: a new model, field or action whose label is not
translated in Spanish or Catalan fails there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast
from unittest import mock

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import label_for_field
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.forms.utils import pretty_name
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy, trans_real

PROJECT_ROOT = Path(__file__).resolve().parent.parent
_OPEN, _CLOSE = "\u27e6", "\u27e7"  # ⟦ ⟧: around each translated piece while checking


def is_third_party(app_label: str) -> bool:
    """Tell whether an app is installed from a package rather than written in the portal."""
    path = Path(apps.get_app_config(app_label).path).resolve()
    return not path.is_relative_to(PROJECT_ROOT) or "site-packages" in path.parts


def _shown_fields(model_admin: admin.ModelAdmin[Any] | None) -> set[str]:
    if model_admin is None:
        return set()
    names = [*model_admin.list_display, *model_admin.readonly_fields, *model_admin.list_filter]
    return {name for name in names if isinstance(name, str)}


def model_labels(
    model: type[models.Model], model_admin: admin.ModelAdmin[Any] | None = None
) -> Iterator[tuple[str, Any]]:
    """Yield (where, label) for a model's names, fields, choices, columns and actions."""
    meta = model._meta
    yield f"{meta.label} verbose_name", meta.verbose_name
    yield f"{meta.label} verbose_name_plural", meta.verbose_name_plural
    shown = _shown_fields(model_admin)
    for field in meta.get_fields():
        if field.auto_created and not field.concrete:
            continue  # a reverse relation: the admin shows the other side's label
        if getattr(field, "primary_key", False):
            continue
        if not getattr(field, "editable", True) and field.name not in shown:
            continue  # stored for the code (a search vector), never shown
        yield f"{meta.label}.{field.name}", field.verbose_name  # type: ignore[union-attr]
        for _value, label in getattr(field, "flatchoices", None) or []:
            # Plain choices are names or codes (time zones, "CSV"); lazy ones are words.
            if isinstance(label, Promise):
                yield f"{meta.label}.{field.name} choice", label
    if model_admin is None:
        return
    for name in model_admin.list_display:
        if isinstance(name, str) and name != "__str__":
            yield f"{meta.label} column {name}", label_for_field(name, model, model_admin)
    for _function, name, description in cast(Any, model_admin)._get_base_actions():
        yield f"{meta.label} action {name}", description


def admin_labels(site: admin.AdminSite | None = None) -> Iterator[tuple[str, Any]]:
    """Yield (where, label) for every app, model and history model the admin shows."""
    site = site or admin.site
    app_labels = set()
    for model, model_admin in site._registry.items():
        app_labels.add(model._meta.app_label)
        yield from model_labels(model, model_admin)
        history_manager = getattr(model._meta, "simple_history_manager_attribute", None)
        if history_manager:
            # The object's history page names its versions and their kind of change.
            yield from model_labels(getattr(model, history_manager).model)
    for label in sorted(app_labels):
        yield f"app {label}", apps.get_app_config(label).verbose_name


def _neutral(text: str) -> bool:
    # An acronym ("ID", "CSV"), a language's code ("summary [ca]": django-modeltranslation's
    # label of a text's Catalan column) or no word at all reads the same in every language.
    return not re.search(r"[a-zà-ÿ]", re.sub(r"\[[a-z]{2}\]", "", text))


@contextmanager
def _marked_translations() -> Iterator[None]:
    """Put every piece that the current language's catalogue translates between ⟦ and ⟧."""
    trans = translation._trans  # type: ignore[attr-defined]
    gettext, pgettext = trans.gettext, trans.pgettext

    def catalogue() -> Any:
        return cast(Any, trans_real.translation(translation.get_language()))._catalog

    def marked_gettext(message: str) -> str:
        found = message in catalogue()
        return f"{_OPEN}{gettext(message)}{_CLOSE}" if found else message

    def marked_pgettext(context: str, message: str) -> str:
        found = f"{context}\x04{message}" in catalogue()
        return f"{_OPEN}{pgettext(context, message)}{_CLOSE}" if found else message

    with (
        mock.patch.object(trans, "gettext", marked_gettext),
        mock.patch.object(trans, "pgettext", marked_pgettext),
    ):
        yield


def is_untranslated(label: Any, language: str) -> bool:
    """Tell whether ``label`` shows words of no catalogue of ``language`` (English left over)."""
    if not isinstance(label, Promise):
        return not _neutral(str(label))
    with translation.override(language), _marked_translations():
        shown = str(label)
    while True:
        # Innermost translated pieces first: a translated pattern may hold translated names.
        left = re.sub(f"{_OPEN}[^{_OPEN}{_CLOSE}]*{_CLOSE}", "", shown)
        if left == shown:
            break
        shown = left
    return not _neutral(shown.replace(_OPEN, "").replace(_CLOSE, ""))


def untranslated_labels(languages: tuple[str, ...] = ("es", "ca")) -> list[str]:
    """Return one line per admin label that some of ``languages`` leaves untranslated."""
    found = []
    for where, label in admin_labels():
        missing = [language for language in languages if is_untranslated(label, language)]
        if missing:
            with translation.override("en"):
                found.append(f"{where}: {str(label)!r} ({', '.join(missing)})")
    return sorted(set(found))


def plain_third_party_labels() -> list[str]:
    """Return the words of the third-party labels that were plain strings (made lazy at start)."""
    return sorted(_made_lazy)


_made_lazy: set[str] = set()


def _lazy(text: Any) -> Any:
    if isinstance(text, Promise) or not text or _neutral(str(text)):
        return text
    _made_lazy.add(str(text))
    return gettext_lazy(str(text))


def make_third_party_labels_translatable() -> None:
    """Turn the plain-string labels of third-party models in the admin into lazy translations.

    Only what the admin shows changes: a field's ``verbose_name`` (what it deconstructs into
    for migrations, ``_verbose_name``, is left alone, so no migration of those apps changes).
    """
    for model, model_admin in admin.site._registry.items():
        app_label = model._meta.app_label
        if not is_third_party(app_label):
            continue
        app_config = apps.get_app_config(app_label)
        app_config.verbose_name = _lazy(app_config.verbose_name)
        meta = model._meta
        if "verbose_name_plural" not in meta.original_attrs:
            # Django's default plural ("<name>s") is built from the plain name.
            with translation.override(None):
                meta.verbose_name_plural = _lazy(str(meta.verbose_name_plural))
        meta.verbose_name = _lazy(meta.verbose_name)
        meta.verbose_name_plural = _lazy(meta.verbose_name_plural)
        for field in meta.get_fields():
            if getattr(field, "verbose_name", None) and not getattr(field, "primary_key", False):
                field.verbose_name = _lazy(field.verbose_name)  # type: ignore[union-attr]
        for function, _name, description in cast(Any, model_admin)._get_base_actions():
            target = getattr(function, "__func__", function)
            target.short_description = _lazy(description)
        for name in model_admin.list_display:
            _translatable_column(model, model_admin, name)


def _translatable_column(model: type[models.Model], model_admin: Any, name: Any) -> None:
    """Give a list column that is a method or a property a translatable header."""
    if not isinstance(name, str) or name == "__str__":
        return
    try:
        model._meta.get_field(name)
        return  # a field's header is its (translatable) label
    except FieldDoesNotExist:
        pass
    attribute = getattr(type(model_admin), name, None) or getattr(model, name, None)
    target = attribute.fget if isinstance(attribute, property) else attribute
    if target is None or not hasattr(target, "__dict__"):
        return
    # "pk" is every model's property: its header is the identifier, "ID", in every language.
    header = "ID" if name == "pk" else getattr(target, "short_description", pretty_name(name))
    cast(Any, target).short_description = _lazy(header)

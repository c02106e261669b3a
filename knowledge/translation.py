"""Texts in Spanish, Catalan and English (django-modeltranslation): practices, transfers, events."""

from modeltranslation.translator import TranslationOptions, register

from knowledge.models import (
    EVENT_TEXTS,
    TRANSLATED_FIELDS,
    Event,
    Practice,
    Transfer,
    register_knowledge_history,
)


@register(Practice)
class PracticeTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS
    required_languages = ("es",)


@register(Transfer)
class TransferTranslation(TranslationOptions):
    fields = ("adaptations", "lessons")


@register(Event)
class EventTranslation(TranslationOptions):
    fields = EVENT_TEXTS
    required_languages = ("es",)


# The texts' columns of each language exist from here on: the history can copy them.
register_knowledge_history()

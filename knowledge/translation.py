"""A practice's and a transfer's texts in Spanish, Catalan and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from knowledge.models import TRANSLATED_FIELDS, Practice, Transfer, register_knowledge_history


@register(Practice)
class PracticeTranslation(TranslationOptions):
    fields = TRANSLATED_FIELDS
    required_languages = ("es",)


@register(Transfer)
class TransferTranslation(TranslationOptions):
    fields = ("adaptations", "lessons")


# The texts' columns of each language exist from here on: the history can copy them.
register_knowledge_history()

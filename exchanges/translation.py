"""Content fields of calls kept in Spanish, Catalan and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from exchanges.models import Call, Criterion


@register(Call)
class CallTranslation(TranslationOptions):
    fields = ("title", "description")
    required_languages = ("es",)


@register(Criterion)
class CriterionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("es",)

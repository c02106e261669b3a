"""Content fields kept in Spanish, Catalan and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from cooperation.models import Agreement, Axis, Institution, Party, StrategicArea


@register(Party)
class PartyTranslation(TranslationOptions):
    fields = ("name", "government")
    required_languages = ("es",)


@register(Agreement)
class AgreementTranslation(TranslationOptions):
    fields = ("title", "summary")
    required_languages = ("es",)


@register(StrategicArea)
class StrategicAreaTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("es", "ca", "en")


@register(Axis)
class AxisTranslation(TranslationOptions):
    fields = ("name", "description")
    required_languages = ("es", "ca", "en")


@register(Institution)
class InstitutionTranslation(TranslationOptions):
    fields = ("name",)
    required_languages = ("es",)

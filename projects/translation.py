"""A project's own texts in Spanish, Catalan and English (django-modeltranslation).

The project's history is registered here, after the translated columns exist, so that the
historical rows keep every language (django-simple-history's documented way with
modeltranslation).
"""

from modeltranslation.translator import TranslationOptions, register
from simple_history import register as register_history

from projects.models import JointProject


@register(JointProject)
class JointProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "impact")
    required_languages = ("es",)


# The stored search vectors are derived from the texts: the history keeps the texts only.
register_history(
    JointProject, app="projects", excluded_fields=["search_es", "search_ca", "search_en"]
)

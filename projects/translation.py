"""A project's own texts in Spanish, Catalan and English (django-modeltranslation)."""

from modeltranslation.translator import TranslationOptions, register

from projects.models import JointProject, register_project_history


@register(JointProject)
class JointProjectTranslation(TranslationOptions):
    fields = ("title", "summary", "impact")
    required_languages = ("es",)


# The texts' columns of each language exist from here on: the history can copy them
# (``projects.models.project.register_project_history`` says why it is registered here).
register_project_history()

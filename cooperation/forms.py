from django.contrib.auth import forms as auth_forms
from django.forms.renderers import DjangoTemplates

from cooperation.models import User


class UserCreationForm(auth_forms.UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class PortalFormRenderer(DjangoTemplates):
    """Render the portal's form fields after the GOV.UK Design System's pattern.

    The label comes first, above the field, with the word "required" on mandatory fields;
    then the hint, then the error, then the field, which names its hint and error in
    ``aria-describedby`` (Django does). The admin renders its own fields and is unaffected.
    """

    field_template_name = "cooperation/forms/field.html"

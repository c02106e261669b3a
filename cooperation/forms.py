from typing import Any

from allauth.mfa.base import forms as mfa_forms
from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates
from django.utils.translation import gettext_lazy as _

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

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        form = context.get("form") or getattr(context.get("field"), "form", None)
        if isinstance(form, forms.BaseForm):
            autofocus_first_field(form)
        return super().render(template_name, context, request)


def autofocus_first_field(form: forms.BaseForm) -> None:
    """Put the focus in the first field of a page whose purpose is the form.

    A keyboard user otherwise tabs through the header and menus to reach it (11 to 19 Tab
    presses on sign-in, sign-up, the profile and the steps of an application). Only the
    sign-in pages (allauth's forms) and forms that say ``autofocus_first_field = True``: on a
    page that shows a record with a form below it, moving the focus would skip the record. A
    form with errors is left alone: the error summary takes the focus (``_error_summary.html``).
    """
    wanted = getattr(form, "autofocus_first_field", type(form).__module__.startswith("allauth."))
    if not wanted or (form.is_bound and form.errors):
        return
    first = next(iter(form.visible_fields()), None)
    if first is not None:
        first.field.widget.attrs.setdefault("autofocus", True)


def _code_already_used(user: object, code: str) -> bool:
    """Tell whether ``code`` is the user's current TOTP code, already used once."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, validate_totp_code
    from allauth.mfa.utils import decrypt
    from django.core.cache import cache

    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    totp = TOTP(authenticator)
    secret = decrypt(authenticator.data["secret"])
    return bool(
        validate_totp_code(secret, code) and cache.get(totp._get_used_cache_key(code)) is not None
    )


class _UsedCodeMixin:
    """Say "already used" for a valid code that was used once, rather than "incorrect code".

    allauth refuses a reused code (replay protection) with the same words as a wrong one; a
    person who typed the right code twice needs to know to wait for the next one.
    """

    user: object
    cleaned_data: dict[str, object]

    def clean_code(self) -> str:
        try:
            return super().clean_code()  # type: ignore[misc]
        except ValidationError:
            if _code_already_used(self.user, str(self.cleaned_data.get("code", ""))):
                raise ValidationError(
                    _("This code has already been used: wait for the next code of your app."),
                    code="code_used",
                ) from None
            raise


class AuthenticateForm(_UsedCodeMixin, mfa_forms.AuthenticateForm):
    """allauth's second-factor form, with the reused code said as such."""


class ReauthenticateForm(_UsedCodeMixin, mfa_forms.ReauthenticateForm):
    """allauth's reauthentication by second factor, with the reused code said as such."""

from allauth.mfa.base import forms as mfa_forms
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

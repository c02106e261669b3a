"""Dates, numbers and amounts in each language's format; allauth's e-mails from the programme."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "march", "april"),
    [
        ("es", "1 de marzo de 2027", "1 de abril de 2027"),
        ("ca", "1 de març de 2027", "1 d'abril de 2027"),
        ("en", "March 1, 2027", "April 1, 2027"),
    ],
)
def test_long_dates_follow_each_language(language, march, april):
    with translation.override(language):
        assert formats.date_format(datetime.date(2027, 3, 1)) == march
        assert formats.date_format(datetime.date(2027, 4, 1)) == april


@pytest.mark.parametrize(
    ("language", "expected"),
    [("es", "32\u00a0000,00\u00a0MXN"), ("ca", "32.000,00\u00a0MXN"), ("en", "32,000.00\u00a0MXN")],
)
def test_amounts_have_thousands_separators(language, expected):
    template = Template("{% load portal_formats %}{{ value|amount:'MXN' }}")
    with translation.override(language):
        assert template.render(Context({"value": Decimal("32000.00")})) == expected


@pytest.mark.parametrize(
    ("language", "stipend"), [("es", "32\u00a0000,00"), ("ca", "32.000,00"), ("en", "32,000.00")]
)
def test_the_call_page_shows_amounts_and_dates_in_the_language(call, language, stipend):
    call.monthly_stipend = Decimal("32000.00")
    call.save(update_fields=["monthly_stipend"])
    html = Client(HTTP_ACCEPT_LANGUAGE=language).get(
        reverse("exchanges:call_detail", args=[call.pk])
    )
    text = html.content.decode().replace("&#x27;", "'")
    assert stipend in text
    assert "32000" not in text
    with translation.override(language):
        assert formats.date_format(call.stays_from) in text
    if language == "ca":
        assert re.search(r"\d+ (de |d')\w+ de \d{4}", text)


def test_sign_up_e_mails_come_from_the_programme_and_site_url(settings):
    settings.SITE_URL = "https://portal.cdmx-bcn.example"
    Client(HTTP_HOST="127.0.0.1").post(
        "/accounts/signup/",
        {
            "email": "nova@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    body = mail.outbox[0].body
    assert "127.0.0.1" not in body
    assert re.search(r"https://portal\.cdmx-bcn\.example/accounts/confirm-email/\S+/", body)
    assert "Portal" in body


def test_the_catalan_interface_uses_one_register():
    """The portal addresses people with "vós" (the administration's register), never "tu"."""
    from pathlib import Path

    import polib

    informal = re.compile(
        r"\b(el teu|la teva|els teus|les teves|tens|pots|has de|vols|teniu-te)\b", re.I
    )
    found = []
    root = Path(__file__).resolve().parents[2]
    for path in [root / "locale", *root.glob("*/locale")]:
        catalogue = path / "ca" / "LC_MESSAGES" / "django.po"
        if catalogue.exists():
            found += [e.msgstr for e in polib.pofile(str(catalogue)) if informal.search(e.msgstr)]
    assert found == []

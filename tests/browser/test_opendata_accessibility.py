"""The open-data page has no WCAG 2.1 A/AA violation, in the three languages."""

from __future__ import annotations

import datetime

import pytest

from opendata.models import Release
from opendata.services import release_execute, release_request
from tests.browser.conftest import axe_violations
from tests.opendata.conftest import programme as programme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def release(settings, tmp_path, programme):
    settings.OPENDATA_ROOT = tmp_path / "opendata"
    for day in (1, 2):  # a release history of two
        made = release_request(actor=None, release_date=datetime.date(2026, 12, day))
        # Outside a test's transaction the (eager) worker built it at commit already.
        assert release_execute(made.pk) in {"published", "skipped"}
        made.refresh_from_db()
        assert made.state == Release.State.PUBLISHED
    return made


@pytest.mark.parametrize("language", ["es", "ca", "en"])
def test_the_open_data_page_has_no_axe_violation(live_server, page, release, language):
    page.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    page.goto(f"{live_server.url}/open-data/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("code.checksum").count() == release.files.count()
    assert axe_violations(page) == []

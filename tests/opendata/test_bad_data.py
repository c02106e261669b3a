"""Bad or inconsistent data never breaks a release: each case is left out or completed, and said.

The issue's cases: a project with no lead, a commitment with no exchange rate, a missing
translation; and the report stays the same size however many records share a reason.
"""

from __future__ import annotations

import datetime

from django.utils import translation
from lxml import etree

from opendata import services
from opendata.models import Release, ReleaseFile
from opendata.notes import SAMPLE, Notes, translated_reason
from opendata.standards import Omission, Omissions
from opendata.standards.validation import standards_dir
from tests.opendata.test_releases import read
from tests.projects.factories import ProjectFactory

NO_LEAD = (
    "No lead institution: its institutions are published as implementing and its "
    "commitments have no receiving organisation."
)
NO_RATE = (
    "No exchange rate kept to the activity's currency on or before the year's start: the "
    "year's budget is left out."
)
NO_SPANISH = "No Spanish title: the title is given in another language."
NO_COUNTRY = "No institution in a city of known country: the programme's countries."


def _notes(release: Release) -> dict[tuple[str, str], dict]:
    return {(n["source"], n["reason"]): n for n in release.report["notes"]}


def test_no_lead_no_rate_and_no_translation_are_said_and_the_release_is_published(programme):
    leaderless, complete = programme.public[1], programme.public[0]
    catalan = ProjectFactory(title_es="", title_ca="Projecte només en català", title_en="")
    release = services.release_request(actor=None, release_date=datetime.date(2026, 12, 1))

    assert services.release_execute(release.pk) == "published"
    release.refresh_from_db()
    notes = _notes(release)
    # No lead: kept in IATI, its institutions implementing (its 360Giving grants would be
    # left out, for want of a recipient: tests/opendata/standards).
    lead = notes[("activities", NO_LEAD)]
    assert f"project {leaderless.code}" in lead["records"] and lead["completed"]
    # No rate from the euro to the lead's peso: that year's IATI budget left out.
    rate = notes[("activities", NO_RATE)]
    assert any(complete.code in record for record in rate["records"]), rate
    # No Spanish title: completed from Catalan (it has no funding, so no grant to complete).
    spanish = notes[("activities", NO_SPANISH)]
    assert f"project {catalan.code}" in spanish["records"] and spanish["completed"]
    # No institution at all (the factory gives none): IATI's countries are the programme's.
    # This broke the whole release before (a division by zero in the countries' shares).
    assert notes[("activities", NO_COUNTRY)]["records"] == [f"project {catalan.code}"]
    activities = etree.fromstring(read(release.files.get(dataset="activities")))
    (activity,) = [
        a
        for a in activities.iter("iati-activity")
        if a.findtext("iati-identifier").endswith(catalan.code)
    ]
    assert [c.get("code") for c in activity.iter("recipient-country")] == ["MX", "ES"]
    # Every file is there, and the standards' files still pass their schemas.
    for item in release.files.filter(format__in=["360giving", "iati"]):
        expected = (
            ReleaseFile.Validation.NOT_VALIDATED
            if standards_dir() is None
            else ReleaseFile.Validation.VALID
        )
        assert item.validation == expected, item.errors
    with translation.override("ca"):
        assert translated_reason(rate) != NO_RATE  # said in the official's language


def test_omissions_are_counted_per_reason_with_only_the_first_named():
    omissions = Omissions()
    for number in range(1000):
        omissions.append(Omission(f"project {number}", NO_RATE))
    omissions.append(Omission("project X", NO_SPANISH, completed=True))

    assert len(omissions) == 1001
    assert omissions.counts == {(NO_RATE, False): 1000, (NO_SPANISH, True): 1}
    kept = list(omissions)
    assert len(kept) == SAMPLE + 1
    assert [o.record for o in kept[:3]] == ["project 0", "project 1", "project 2"]

    notes = Notes()
    notes.add_counted("activities", ["a", "b"], NO_RATE, completed=False, count=999)
    notes.add_counted("activities", [str(n) for n in range(50)], NO_RATE, completed=False, count=50)
    (entry,) = notes.as_list()
    assert entry["count"] == 1049 and len(entry["records"]) == SAMPLE
    assert entry["records"][:3] == ["a", "b", "0"]

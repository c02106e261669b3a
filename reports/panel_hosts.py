"""Question 7 on the dashboard: the hosts that received the most researchers, per city.

The counts are cells of the stays' publication of the period (``reports.kinds.hosts``), so
each is shown, "<5" or "x" as the stays each way, the mobility report and the key figures
allow; each host links to its stays of the period (the admin list of question 4).
"""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports import questions
from reports.charts import Chart, _number
from reports.kinds import hosts, people


def _name(names: dict[str, str]) -> str:
    language = (get_language() or "es")[:2]
    return names.get(f"name_{language}") or names.get("name_es") or names.get("name", "")


def most_researchers_chart(
    stays: people.Stays, parameters: dict[str, Any], *, notes: list[str]
) -> Chart:
    """Return the panel: the first hosts of each city (or of the dashboard's city)."""
    pub = stays.pub
    rows: list[tuple[str, list[str]]] = []
    bars = []
    for city in people.CITIES:
        if parameters.get("city") not in (None, "", city):
            continue
        for host_id, names in stays.hosts.listed.get(city, []):
            shown = pub.shown(hosts.host_key(city, host_id))
            link = questions.stays_link(city, parameters, host=host_id)
            rows.append(
                (format_html('<a href="{}">{}</a>', link, _name(names)), [city, _number(shown)])
            )
            bars.append(
                (_name(names), float(shown) if isinstance(shown, int) else 0.0, _number(shown))
            )
    return Chart(
        id="hosts",
        title=_("Hosts that received the most researchers"),
        columns=[_("Host institution"), _("City"), _("Stays")],
        rows=rows,
        bars=bars,
        notes=[
            _(
                "The %(count)s host institutions of each city with the most stays of the "
                "period (ties by the order the institutions were added); a stay counts under "
                "its host. Each name opens its stays."
            )
            % {"count": hosts.LISTED},
            *notes,
        ],
    )

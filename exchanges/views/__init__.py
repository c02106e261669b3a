"""Pages of the stays workflow, one module per actor; ``exchanges/urls.py`` routes to them.

- ``calls``: the calls, as everybody reads them;
- ``researchers``: profile, the application's steps, the stay, the researcher's own data;
- ``hosts``: the host institution's list and decision;
- ``reviewers``: assignments, conflicts of interest, scores;
- ``officials``: a call's ranking, the decisions, the export of applications;
- ``common``: how refusals are shown, and the private documents' download.

Views read through querysets that carry their joins and call one service for each write.
"""

from exchanges.views.calls import call_detail, call_list
from exchanges.views.common import attachment_download
from exchanges.views.hosts import host_decide, host_list
from exchanges.views.officials import call_ranking, export_csv, official_action, officials_only
from exchanges.views.researchers import (
    STEP_NAMES,
    STEPS,
    application_action,
    application_continue,
    application_detail,
    application_start,
    application_step,
    data_export,
    data_page,
    erasure,
    my_applications,
    profile_edit,
)
from exchanges.views.reviewers import review_detail, review_list

__all__ = [
    "STEPS",
    "STEP_NAMES",
    "application_action",
    "application_continue",
    "application_detail",
    "application_start",
    "application_step",
    "attachment_download",
    "call_detail",
    "call_list",
    "call_ranking",
    "data_export",
    "data_page",
    "erasure",
    "export_csv",
    "host_decide",
    "host_list",
    "my_applications",
    "official_action",
    "officials_only",
    "profile_edit",
    "review_detail",
    "review_list",
]

"""Joint projects in the admin; each module registers its pages.

- ``projects``: the portfolio (a project's page, status, bulk moves, exports);
- ``inlines``: a project's parts on its page (institutions, funding, milestones, team...);
- ``indicators``: indicators with their measurements, and exchange rates;
- ``history``: the history of a project's parts, read-only;
- ``importing``: the import of historical projects from CSV or XLSX;
- ``base``: what they share: every save, inline and deletion goes through ``projects.services``.
"""

from projects.admin import history, importing, indicators, projects

__all__ = ["history", "importing", "indicators", "projects"]

"""Development tools: run from a checkout, never installed with the portal (not in pyproject's
``[tool.setuptools.packages.find]``) and never imported by its apps (a contract of ``make lint``).

- ``embedded``: PostgreSQL and Redis from pip wheels for ``make run`` and ``make test``;
- ``import_contracts``: the import-linter contract that refuses cycles between modules.
"""

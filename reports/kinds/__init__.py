"""The kinds of report: each one names its parameters and yields its tables.

``base`` holds what a kind is made of (columns, tables, charts, ``ReportKind``), ``common``
the parameters and SQL filters the programme's reports share, one module per kind, and
``registry`` the list of kinds by code. Add a kind as a module with a ``ReportKind`` subclass
and list it in ``registry.KINDS``.
"""

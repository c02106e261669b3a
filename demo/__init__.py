"""Demo data for `make run`: built through the apps' services, as the people of the programme
would build it (``seed_demo``, ``seed_stays_demo``; ``totp_code`` prints a demo login's code).

- ``data``: the rows, as tables;
- ``people``: institutions of both cities and one account per role;
- ``portfolio``: the sample projects, imported and given money, milestones and indicators;
- ``calls``: two open calls for researcher stays.
"""

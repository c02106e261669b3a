"""Gunicorn hooks of the benchmarks' ``--gunicorn "--config bench/gc_freeze.py"`` runs.

Once a worker has loaded the portal, everything it holds then (modules, settings, URL
patterns, templates) is moved out of the garbage collector's sight with ``gc.freeze()``: the
full collections that walk it no longer run through it. The portal's own gunicorn settings
(``config/gunicorn.py``) are another issue's; this file only lets the benchmarks compare.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    gc.freeze()

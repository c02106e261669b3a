"""Every model is importable from the module it names, the historical ones included.

``manage.py shell`` imports each model from its ``__module__``; a model package (projects,
exchanges) must keep that true when a model moves to a submodule.
"""

from __future__ import annotations

import importlib

from django.apps import apps


def test_every_model_lives_in_the_module_it_names():
    missing = [
        f"{model.__module__}.{model.__name__}"
        for model in apps.get_models()
        if getattr(importlib.import_module(model.__module__), model.__name__, None) is not model
    ]
    assert missing == []

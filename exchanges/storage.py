"""Private file storage for applicants' documents: outside the public media, no URL."""

from __future__ import annotations

from django.utils.deconstruct import deconstructible

from cooperation.storage import NamedStorage


@deconstructible(path="exchanges.storage.PrivateStorage")
class PrivateStorage(NamedStorage):
    """The ``private`` storage of settings.STORAGES (local folder or S3 prefix).

    The storage has no public URL: documents are served only by the view that checks who asks.
    """

    def __init__(self) -> None:
        super().__init__("private")

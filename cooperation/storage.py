"""The portal's file storages: one named storage of ``settings.STORAGES`` per kind of file.

Kinds (aliases): ``default`` (public media), ``private`` (applicants' documents), ``reports``
(report files), ``imports`` (uploaded files waiting for an official's confirmation) and
``opendata`` (open-data releases). Each is the local file system under ``VAR_DIR`` by default,
or a prefix of one S3-compatible bucket when ``STORAGE_URL`` is set (config/storages.py).
Every read, write and delete of a kept file goes through ``storages[alias]``, so several web
and worker nodes share the files without a shared disk.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible

PRIVATE_KINDS = frozenset({"private", "reports", "imports"})


class NoPublicUrl(ValueError):
    """A private file was asked for a URL: private kinds are served only by checking views."""


def refuse_url(alias: str) -> NoPublicUrl:
    return NoPublicUrl(
        f"Files of the {alias!r} storage have no public URL; serve them through the view that "
        "checks who asks."
    )


@deconstructible(path="cooperation.storage.LocalStorage")
class LocalStorage(FileSystemStorage):
    """Files under the folder that a setting names, read at each access.

    Reading the setting each time lets tests and deployments move the folder (Django's own
    storage reads MEDIA_ROOT the same way). A private kind has no URL.
    """

    def __init__(self, *, root_setting: str, public: bool = False, **options: Any) -> None:
        super().__init__(**options)
        self.root_setting = root_setting
        self.public = public

    @property
    def base_location(self) -> str:
        return str(getattr(settings, self.root_setting))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def _save(self, name: str, content: Any) -> str:
        """Write a new file as Django does; replace an existing one whole, never in place.

        With ``allow_overwrite`` (report files: a newer attempt of the same run) the bytes go to
        a temporary file beside the target, renamed over it, so that a download running
        meanwhile reads the old file or the new one, never half of one.
        """
        if not self._allow_overwrite:  # type: ignore[attr-defined]
            return super()._save(name, content)  # type: ignore[misc]
        full_path = self.path(name)
        directory = os.path.dirname(full_path)
        os.makedirs(directory, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".", suffix=".part")
        try:
            with os.fdopen(handle, "wb") as out:
                for chunk in content.chunks():
                    out.write(chunk)
            if self.file_permissions_mode is not None:
                os.chmod(temporary, self.file_permissions_mode)
            os.replace(temporary, full_path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return str(name).replace("\\", "/")

    def url(self, name: Any) -> str:
        if not self.public:
            raise refuse_url(self.root_setting)
        return super().url(name)


_DELEGATED = (
    "open",
    "save",
    "get_valid_name",
    "get_alternative_name",
    "get_available_name",
    "generate_filename",
    "path",
    "delete",
    "exists",
    "listdir",
    "size",
    "url",
    "get_accessed_time",
    "get_created_time",
    "get_modified_time",
)


def _delegate(method: str) -> Any:
    def call(self: NamedStorage, *args: Any, **kwargs: Any) -> Any:
        return getattr(storages[self.alias], method)(*args, **kwargs)

    call.__name__ = method
    call.__doc__ = f"Call ``{method}`` of the configured storage."
    return call


@deconstructible(path="cooperation.storage.NamedStorage")
class NamedStorage(Storage):
    """Stand for ``storages[alias]``, looked up at each use.

    Model fields keep this stand-in (migrations record the alias, not a backend), so a
    deployment chooses the backend in settings and tests may swap STORAGES.
    """

    def __init__(self, alias: str) -> None:
        self.alias = alias

    @property
    def backend(self) -> Storage:
        return storages[self.alias]

    def __getattr__(self, name: str) -> Any:
        # What the backend has beyond the Storage API (a folder's location, a bucket's name).
        if name.startswith("__") or name in {"alias", "_constructor_args"}:
            raise AttributeError(name)
        return getattr(storages[self.alias], name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NamedStorage) and other.alias == self.alias

    def __hash__(self) -> int:
        return hash(self.alias)


for _method in _DELEGATED:
    setattr(NamedStorage, _method, _delegate(_method))


def storage(alias: str) -> Any:
    """Return the configured storage of one kind (``storages[alias]``)."""
    return storages[alias]

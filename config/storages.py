"""The named file storages (``STORAGES``), local by default or in an S3-compatible bucket.

One storage per kind of file the portal keeps. Locally each kind is a folder under VAR_DIR
(a setting per folder, so tests and deployments can move them). With ``STORAGE_URL`` set to
``s3://bucket[/prefix]`` every kind is a prefix of that bucket (AWS S3, MinIO, Ceph, Garage…),
and web and worker nodes share the files without a shared disk.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from django.core.exceptions import ImproperlyConfigured

# alias -> (folder setting of the local default, prefix in the bucket, public)
KINDS: dict[str, tuple[str, str, bool]] = {
    "default": ("MEDIA_ROOT", "media", True),
    "private": ("PRIVATE_MEDIA_ROOT", "private", False),
    "reports": ("REPORTS_ROOT", "reports", False),
    "imports": ("IMPORTS_ROOT", "imports", False),
    "opendata": ("OPENDATA_ROOT", "opendata", True),
}
# Report files are replaced in place by a newer attempt of the same run (same name).
_OVERWRITE = {"reports"}


def parse_storage_url(name: str, value: str) -> tuple[str, str]:
    """Return (bucket, prefix) of an ``s3://bucket[/prefix]`` URL; stop start-up if malformed."""
    parsed = urlparse(value)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise ImproperlyConfigured(
            f"{name}={value!r} must look like s3://bucket or s3://bucket/prefix "
            "(leave it empty for the local file system under VAR_DIR)."
        )
    return parsed.netloc, parsed.path.strip("/")


def build_storages(
    *,
    storage_url: str,
    static_backend: str,
    endpoint_url: str = "",
    region: str = "",
    access_key: str = "",
    secret_key: str = "",
) -> dict[str, dict[str, Any]]:
    """Return the STORAGES setting: the five kinds of kept files plus the static files."""
    result: dict[str, dict[str, Any]] = {"staticfiles": {"BACKEND": static_backend}}
    if not storage_url:
        for alias, (root_setting, _prefix, public) in KINDS.items():
            if alias == "default":
                # Django's own storage reads MEDIA_ROOT and MEDIA_URL.
                result[alias] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
                continue
            options: dict[str, Any] = {"root_setting": root_setting, "public": public}
            if alias in _OVERWRITE:
                options["allow_overwrite"] = True
            result[alias] = {"BACKEND": "cooperation.storage.LocalStorage", "OPTIONS": options}
        return result
    bucket, base = parse_storage_url("STORAGE_URL", storage_url)
    for alias, (_root, prefix, public) in KINDS.items():
        options = {
            "bucket_name": bucket,
            "location": f"{base}/{prefix}" if base else prefix,
            "file_overwrite": alias in _OVERWRITE,
            "default_acl": None,
            "querystring_auth": True,
            "signature_version": "s3v4",
        }
        if endpoint_url:
            # MinIO and most S3-compatible servers want path-style addresses.
            options["endpoint_url"] = endpoint_url
            options["addressing_style"] = "path"
        if region:
            options["region_name"] = region
        if access_key:
            options["access_key"] = access_key
            options["secret_key"] = secret_key
        backend = "PublicS3Storage" if public else "PrivateS3Storage"
        result[alias] = {"BACKEND": f"cooperation.s3.{backend}", "OPTIONS": options}
    return result

"""STORAGES from the environment: local folders by default, an S3 bucket with STORAGE_URL."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.storages import KINDS, build_storages

STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def test_every_kind_is_a_local_folder_by_default():
    storages = build_storages(storage_url="", static_backend=STATIC)
    assert set(storages) == {*KINDS, "staticfiles"}
    assert {"default", "private", "reports", "imports", "opendata"} <= set(storages)
    assert storages["private"]["OPTIONS"] == {"root_setting": "PRIVATE_MEDIA_ROOT", "public": False}
    assert storages["reports"]["OPTIONS"]["allow_overwrite"] is True


def test_storage_url_puts_every_kind_under_its_prefix_of_one_bucket():
    storages = build_storages(
        storage_url="s3://city-files/portal",
        static_backend=STATIC,
        endpoint_url="http://minio:9000",
    )
    prefixes = {alias: storages[alias]["OPTIONS"]["location"] for alias in KINDS}
    assert prefixes == {
        "default": "portal/media",
        "private": "portal/private",
        "reports": "portal/reports",
        "imports": "portal/imports",
        "opendata": "portal/opendata",
    }
    assert {storages[alias]["OPTIONS"]["bucket_name"] for alias in KINDS} == {"city-files"}
    private = {a for a in KINDS if storages[a]["BACKEND"].endswith("PrivateS3Storage")}
    assert private == {"private", "reports", "imports"}
    assert storages["private"]["OPTIONS"]["addressing_style"] == "path"


@pytest.mark.parametrize("value", ["http://bucket", "s3://", "bucket"])
def test_a_malformed_storage_url_stops_start_up_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="STORAGE_URL"):
        build_storages(storage_url=value, static_backend=STATIC)

"""A real S3-compatible HTTP server (moto's server mode) on loopback, and STORAGES pointing at it.

The server runs in its own process, as MinIO or AWS S3 would; nothing in the portal's process
is patched. Each test gets its own prefix of one bucket, so tests never see each other's files.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from config.storages import build_storages

# The stays fixtures (a call, a researcher, a submitted application with three documents).
from tests.exchanges.conftest import (  # noqa: F401
    call,
    draft,
    new_researcher,
    profiled_researcher,
    submitted,
)

BUCKET = "portal-test"
KEYS = {"access_key": "testing", "secret_key": "testing-secret"}


@dataclass
class ObjectStore:
    endpoint: str
    url: str  # STORAGE_URL of this test (its own prefix)

    def env(self) -> dict[str, str]:
        """Return the environment variables that point a process's settings at this store."""
        return {
            "STORAGE_URL": self.url,
            "STORAGE_S3_ENDPOINT_URL": self.endpoint,
            "STORAGE_S3_REGION": "us-east-1",
            "STORAGE_S3_ACCESS_KEY_ID": KEYS["access_key"],
            "STORAGE_S3_SECRET_ACCESS_KEY": KEYS["secret_key"],
        }

    def client(self) -> Any:
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=KEYS["access_key"],
            aws_secret_access_key=KEYS["secret_key"],
        )

    @property
    def prefix(self) -> str:
        return self.url.removeprefix(f"s3://{BUCKET}/")

    def names(self) -> list[str]:
        prefix = self.prefix
        listed = self.client().list_objects_v2(Bucket=BUCKET, Prefix=prefix)
        return sorted(item["Key"].removeprefix(prefix + "/") for item in listed.get("Contents", []))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint(tmp_path_factory) -> Iterator[str]:
    port = _free_port()
    log = (tmp_path_factory.mktemp("moto") / "server.log").open("wb")
    server = subprocess.Popen(  # moto's own server, on loopback
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto's S3 server did not start") from None
                time.sleep(0.2)
        store = ObjectStore(endpoint=endpoint, url=f"s3://{BUCKET}")
        store.client().create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture
def object_store(s3_endpoint, settings) -> ObjectStore:
    """Point every named storage at a fresh prefix of the bucket, as STORAGE_URL would."""
    store = ObjectStore(endpoint=s3_endpoint, url=f"s3://{BUCKET}/{uuid.uuid4().hex}")
    settings.STORAGES = build_storages(
        storage_url=store.url,
        static_backend="django.contrib.staticfiles.storage.StaticFilesStorage",
        endpoint_url=store.endpoint,
        region="us-east-1",
        **KEYS,
    )
    return store

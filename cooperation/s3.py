"""S3-compatible storages (django-storages with boto3), used when ``STORAGE_URL`` is set."""

from __future__ import annotations

from typing import Any

from storages.backends.s3 import S3Storage

from cooperation.storage import refuse_url


class PrivateS3Storage(S3Storage):
    """A prefix of the bucket whose objects get no URL, not even a signed one.

    Applicants' documents, report files and pending imports are streamed by the portal's
    permission-checking views; a URL would bypass the check.
    """

    def url(
        self, name: Any, parameters: Any = None, expire: Any = None, http_method: Any = None
    ) -> str:
        raise refuse_url(self.location)


class PublicS3Storage(S3Storage):
    """A prefix of the bucket for public files (media, open data), linked by signed URLs."""

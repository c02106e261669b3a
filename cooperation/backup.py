"""Back up and restore the portal: the PostgreSQL database and every kind of kept file.

A backup is a folder: ``database.dump`` (``pg_dump`` custom format), ``files/<kind>/…`` (each
named storage's files, read through the storage API, so a bucket is backed up like a folder)
and ``manifest.json`` (when, what, and a SHA-256 of every file, checked at restore).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.files import File
from django.core.files.storage import storages
from django.db import connections

# The kinds of kept files (settings.STORAGES less the static files, which the image builds).
FILE_KINDS = ("default", "private", "reports", "imports", "opendata")
MANIFEST = "manifest.json"
DUMP = "database.dump"


class BackupError(Exception):
    """A backup or restore could not be made; the message says why."""


def find_binary(name: str, *, folder: str = "") -> str:
    """Return ``pg_dump`` or ``pg_restore`` of at least the server's major version.

    Looked for in ``folder``, in PG_BIN, on PATH, then among the pgserver wheel's binaries
    (`make run`, `make test`); an older client refuses a newer server, so it is skipped.
    """
    candidates = []
    if folder:
        candidates.append(str(Path(folder) / name))
    if os.environ.get("PG_BIN"):
        candidates.append(str(Path(os.environ["PG_BIN"]) / name))
    found = shutil.which(name)
    if found:
        candidates.append(found)
    try:
        import pgserver

        candidates.append(str(Path(pgserver.__file__).parent / "pginstall" / "bin" / name))
    except ImportError:
        pass
    server_major = _server_major()
    seen = []
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        major = _client_major(candidate)
        seen.append(f"{candidate} ({major or '?'})")
        if major is not None and major >= server_major:
            return candidate
    raise BackupError(
        f"No {name} of PostgreSQL {server_major} or newer was found (seen: "
        f"{', '.join(seen) or 'none'}): install the client of the server's version, or name "
        "its folder with --pg-bin (or PG_BIN)."
    )


def _server_major() -> int:
    connection = connections["default"]
    connection.ensure_connection()
    return int(connection.pg_version) // 10000  # type: ignore[attr-defined]


def _client_major(binary: str) -> int | None:
    done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool
        [binary, "--version"], capture_output=True, text=True, check=False
    )
    match = re.search(r"\) (\d+)", done.stdout)
    return int(match.group(1)) if match else None


def _libpq_env(alias: str = "default") -> dict[str, str]:
    """Return the environment that points libpq's tools at the database of ``alias``."""
    db = connections[alias].settings_dict
    env = {**os.environ, "PGDATABASE": str(db["NAME"])}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def _walk(storage: Any, folder: str = "") -> Iterator[str]:
    """Yield the name of every file of a storage, folder by folder."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from _walk(storage, f"{folder}/{sub}" if folder else sub)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def backup_create(
    *, target: Path, pg_bin: str = "", database: bool = True, files: bool = True
) -> dict[str, Any]:
    """Write a backup of the database and the kept files into ``target`` (a new folder)."""
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty: give a new folder for the backup.")
    target.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, Any] = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
        "database": None,
        "files": {},
    }
    if database:
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments of our own
            [
                find_binary("pg_dump", folder=pg_bin),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={target / DUMP}",
            ],
            env=_libpq_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        manifest["database"] = {"file": DUMP, "sha256": _sha256(target / DUMP)}
    if files:
        for kind in FILE_KINDS:
            storage = storages[kind]
            kept: dict[str, str] = {}
            for name in _walk(storage):
                destination = target / "files" / kind / name
                destination.parent.mkdir(parents=True, exist_ok=True)
                with storage.open(name, "rb") as source, destination.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                kept[name] = _sha256(destination)
            manifest["files"][kind] = kept
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
    return manifest


def backup_restore(
    *, source: Path, pg_bin: str = "", database: bool = True, files: bool = True
) -> dict[str, Any]:
    """Restore a backup: the database (replacing its objects) and every kept file."""
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise BackupError(
            f"{source} is not a backup of the portal ({MANIFEST}: {error})."
        ) from None
    for kind, kept in manifest["files"].items() if files else ():
        for name, digest in kept.items():
            if _sha256(source / "files" / kind / name) != digest:
                raise BackupError(f"files/{kind}/{name} does not match its checksum: not restored.")
    if database and manifest["database"]:
        dump = source / manifest["database"]["file"]
        if _sha256(dump) != manifest["database"]["sha256"]:
            raise BackupError(f"{dump.name} does not match its checksum: not restored.")
        connections.close_all()
        done = subprocess.run(  # noqa: S603 - PostgreSQL's own tool, arguments of our own
            [
                find_binary("pg_restore", folder=pg_bin),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_libpq_env()['PGDATABASE']}",
                str(dump),
            ],
            env=_libpq_env(),
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            raise BackupError(f"pg_restore failed: {done.stderr.strip()}")
    restored: dict[str, int] = {}
    for kind, kept in manifest["files"].items() if files else ():
        storage = storages[kind]
        for name in kept:
            # The same name as in the database's rows: an existing file is replaced.
            if storage.exists(name):
                storage.delete(name)
            with (source / "files" / kind / name).open("rb") as handle:
                saved = storage.save(name, File(handle, name=name))
            if saved != name:
                raise BackupError(f"files/{kind}/{name} was stored as {saved}.")
        restored[kind] = len(kept)
    return {"database": bool(database and manifest["database"]), "files": restored}

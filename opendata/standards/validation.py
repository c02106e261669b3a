"""Check the written files against the standards' own schemas, offline.

The schemas are not part of the project: they are read from ``OPEN_DATA_STANDARDS_DIR``, or
from the ``shared/standards`` folder beside the project (``standards_dir``). Nothing is ever
fetched: the 360Giving package schema names the grant schema by a remote URL, which a
``referencing`` registry maps to the local copy, and lxml is forbidden the network while it
reads the IATI schema (which imports ``xml.xsd`` by a local path).

Each validator returns the errors it found (empty: the file is valid), at most
``MAX_ERRORS`` of them, each with where it is in the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from opendata.standards.packages import PackageError, Streamed, read_package

GIVING360_DIR = "360giving-1.4.3"
GIVING360_PACKAGE = "360-giving-package-schema.json"
GIVING360_GRANT = "360-giving-schema.json"
IATI_DIR = "iati-2.03"
IATI_SCHEMA = "iati-activities-schema.xsd"
MAX_ERRORS = 100


class SchemaUnavailable(Exception):
    """The standards' schemas are not on this machine, so a file cannot be checked."""


def standards_dir() -> Path | None:
    """Return the folder of the standards' schemas, or None when there is none.

    ``OPEN_DATA_STANDARDS_DIR`` when set; else ``shared/standards`` beside the project (the
    project's parent folder), or beside the folder holding it (a git worktree of it).
    """
    configured = getattr(settings, "OPEN_DATA_STANDARDS_DIR", None)
    if configured:
        path = Path(configured)
        return path if path.is_dir() else None
    root = Path(getattr(settings, "BASE_DIR", Path(__file__).resolve().parents[2]))
    for parent in (root.parent, root.parent.parent):
        candidate = parent / "shared" / "standards"
        if candidate.is_dir():
            return candidate
    return None


def _schema_file(folder: str, name: str) -> Path:
    base = standards_dir()
    if base is None or not (base / folder / name).is_file():
        raise SchemaUnavailable(
            _("The schema %(name)s is not available on this server.") % {"name": name}
        )
    return base / folder / name


def _where(path: Any) -> str:
    return "/".join(str(part) for part in path) or "/"


def validate_360giving(path: Path) -> list[str]:
    """Return the errors of a 360Giving package against the package and grant schemas.

    The file is read a grant at a time (``packages.read_package``): each grant is checked
    against the grant schema as the package's ``items`` names it, the package's other
    fields against the package schema, and its ``minItems`` and ``uniqueItems`` are
    counted, so memory stays flat whatever the number of grants.
    """
    from jsonschema import Draft202012Validator

    package_schema = json.loads(_schema_file(GIVING360_DIR, GIVING360_PACKAGE).read_text())
    grant_schema = json.loads(_schema_file(GIVING360_DIR, GIVING360_GRANT).read_text())
    registry = _registry(package_schema, grant_schema)
    grants_schema = package_schema["properties"]["grants"]
    checker = Draft202012Validator.FORMAT_CHECKER
    package_validator = Draft202012Validator(
        package_schema, registry=registry, format_checker=checker
    )
    # The package without its grants, which are checked one by one by the same rules.
    metadata_validator = Draft202012Validator(
        {
            **package_schema,
            "properties": {k: v for k, v in package_schema["properties"].items() if k != "grants"},
        },
        registry=registry,
        format_checker=checker,
    )
    grant_validator = Draft202012Validator(
        {"$schema": package_schema["$schema"], **grants_schema["items"]},
        registry=registry,
        format_checker=checker,
    )
    errors: list[str] = []
    count, streamed = 0, False
    try:
        with path.open("rb") as handle, _Digests() as seen:
            for index, value in read_package(handle):
                if index is not None:
                    count += 1
                    for error in grant_validator.iter_errors(value):
                        errors.append(
                            f"{_where(['grants', index, *error.absolute_path])}: {error.message}"
                        )
                    # uniqueItems, by a digest of each grant's canonical form, kept on disk.
                    if not seen.add(json.dumps(value, sort_keys=True).encode()):
                        errors.append(f"grants/{index}: " + _("the same as an earlier grant"))
                elif isinstance(value.get("grants"), Streamed):
                    streamed = True
                    document = {**value, "grants": []}
                    errors.extend(
                        f"{_where(e.absolute_path)}: {e.message}"
                        for e in metadata_validator.iter_errors(document)
                    )
                else:  # no grants, or not a list of them: the whole package schema says so
                    errors.extend(
                        f"{_where(e.absolute_path)}: {e.message}"
                        for e in package_validator.iter_errors(value)
                    )
                if len(errors) >= MAX_ERRORS:
                    return errors[:MAX_ERRORS]
    except (OSError, PackageError) as error:
        return [*errors, _("The file is not readable JSON: %(error)s") % {"error": error}]
    if streamed and count < grants_schema.get("minItems", 0):
        errors.append("grants: " + _("the package holds no grant; the standard asks for one."))
    return errors


class _Digests:
    """A set of 16-byte digests kept in a temporary SQLite file, in a fixed memory.

    ``uniqueItems`` over the grants needs every grant seen so far. A set in memory would grow
    with the file (about 14 MB at 175,000 grants, with its table); the database's B-tree on
    disk, with a page cache of 2 MB, does not. The file goes when the check ends.
    """

    def __enter__(self) -> _Digests:
        import sqlite3
        import tempfile

        self.folder = tempfile.TemporaryDirectory(prefix="opendata-unique-")
        self.db = sqlite3.connect(Path(self.folder.name) / "digests.sqlite3")
        # Nothing to recover after a crash: no journal, no waiting for the disk.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.execute("PRAGMA cache_size=-2048")  # KiB
        self.db.execute("CREATE TABLE seen (digest BLOB PRIMARY KEY) WITHOUT ROWID")
        self.db.execute("BEGIN")
        return self

    def add(self, data: bytes) -> bool:
        """Add the digest of ``data``; return False when it was there already."""
        digest = hashlib.blake2b(data, digest_size=16).digest()
        cursor = self.db.execute("INSERT OR IGNORE INTO seen VALUES (?)", (digest,))
        return cursor.rowcount == 1

    def __exit__(self, *exc: object) -> None:
        self.db.close()
        self.folder.cleanup()


def _registry(package_schema: dict[str, Any], grant_schema: dict[str, Any]) -> Any:
    """Return the schemas by every name they are referred to by, and nothing else."""
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    # Both declare draft 2020-12 by its old http:// name, which referencing does not detect.
    grant = DRAFT202012.create_resource(grant_schema)
    package = DRAFT202012.create_resource(package_schema)
    # The package names the grant schema by its remote URL (of 1.4.2, the same schema):
    # that name leads to the local copy, and no other is ever fetched.
    items_ref = package_schema["properties"]["grants"]["items"]["$ref"]
    registry: Registry[Any] = Registry(retrieve=_refuse)  # type: ignore[call-arg]
    return registry.with_resources(
        [(items_ref, grant), (grant_schema["$id"], grant), (package_schema["$id"], package)]
    )


def _refuse(uri: str) -> Any:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]


def validate_iati(path: Path) -> list[str]:
    """Return the errors of an IATI activities file against the 2.03 schema.

    The file is parsed as a stream and each activity validated on its own as soon as it is
    read, inside a copy of the file's root element (its attributes checked with it), then
    dropped, so memory stays flat whatever the number of activities. Errors give the line
    of the file they are on.
    """
    from lxml import etree

    schema_path = _schema_file(IATI_DIR, IATI_SCHEMA)
    # xml.xsd is imported by a local path: no_network makes sure nothing is ever fetched.
    offline = etree.XMLParser(no_network=True, resolve_entities=False)
    schema = etree.XMLSchema(etree.parse(str(schema_path), offline))
    errors: list[str] = []

    def check(document: Any) -> None:
        if not schema.validate(document):
            for entry in schema.error_log:
                error = f"line {entry.line}: {entry.message}"
                # Each activity is checked with the root's attributes: say theirs once.
                if entry.line != document.sourceline or error not in errors:
                    errors.append(error)

    root, activities = None, 0
    try:
        # External entities stay unresolved (lxml's default, "internal"); the network is
        # never used.
        for event, element in etree.iterparse(
            str(path), events=("start", "end"), no_network=True, huge_tree=True
        ):
            if root is None:
                root = element
            if event != "end" or element.getparent() is not root:
                continue
            # A whole child of the root: an activity, or what the schema lets stand beside.
            if element.tag == "iati-activity":
                activities += 1
                shell = _shell(root)
                shell.append(element)  # moved out of the file's tree: dropped after
                check(shell)
            else:
                # Only elements of another namespace may stand beside the activities.
                shell = _shell(root)
                shell.append(element)
                if not (isinstance(element.tag, str) and element.tag.startswith("{")):
                    check(shell)
            if len(errors) >= MAX_ERRORS:
                return errors[:MAX_ERRORS]
    except etree.XMLSyntaxError as error:
        return [*errors, _("The file is not readable XML: %(error)s") % {"error": error}]
    except OSError as error:
        return [_("The file is not readable XML: %(error)s") % {"error": error}]
    if root is not None and not activities:
        # No activity: the root alone, as the schema sees it (it asks for one at least).
        check(_shell(root))
    return errors[:MAX_ERRORS]


def _shell(root: Any) -> Any:
    """Return an empty copy of the root element, on the root's line of the file."""
    from lxml import etree

    shell = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
    shell.sourceline = root.sourceline
    return shell

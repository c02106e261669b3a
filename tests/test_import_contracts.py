"""The import contracts of pyproject.toml hold, and the cycle contract finds what it must."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from importlinter.cli import EXIT_STATUS_ERROR, EXIT_STATUS_SUCCESS, lint_imports

from devtools.import_contracts import strongly_connected

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def in_dir(monkeypatch):
    """Run import-linter from a directory, restoring the import path it extends."""
    monkeypatch.setattr(sys, "path", list(sys.path))

    def run(directory: Path, config: str | None = None) -> int:
        monkeypatch.chdir(directory)
        return lint_imports(config_filename=config, no_cache=True, no_logo=True, is_debug_mode=True)

    return run


def test_the_projects_import_contracts_hold(in_dir):
    assert in_dir(ROOT) == EXIT_STATUS_SUCCESS


# A package whose __init__ imports its module, which imports the package back: a cycle that is
# not between siblings (reports.kinds had one).
CYCLE = {
    "ringpkg/__init__.py": "",
    "ringpkg/kinds/__init__.py": "REGISTRY: dict = {}\nfrom ringpkg.kinds import one\n",
    "ringpkg/kinds/one.py": "from ringpkg.kinds import REGISTRY\n",
    "ringpkg/other.py": "",
}


def _package(tmp_path: Path, contract: str) -> str:
    for name, text in CYCLE.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "contracts.ini").write_text(
        "[importlinter]\nroot_package = ringpkg\n"
        "contract_types =\n    acyclic_modules: devtools.import_contracts.AcyclicModulesContract\n"
        f"[importlinter:contract:one]\nname = the contract\n{contract}"
    )
    sys.modules.pop("ringpkg", None)
    return str(tmp_path / "contracts.ini")


def test_a_cycle_through_a_packages_init_breaks_acyclic_modules(tmp_path, in_dir):
    config = _package(tmp_path, "type = acyclic_modules\ncontainers = ringpkg\n")
    assert in_dir(tmp_path, config) == EXIT_STATUS_ERROR


def test_import_linters_acyclic_siblings_alone_misses_that_cycle(tmp_path, in_dir):
    config = _package(tmp_path, "type = acyclic_siblings\nancestors = ringpkg\n")
    assert in_dir(tmp_path, config) == EXIT_STATUS_SUCCESS


def test_an_ignored_import_breaks_the_cycle_and_an_ignore_that_matches_nothing_is_an_error(
    tmp_path, in_dir
):
    contract = "type = acyclic_modules\ncontainers = ringpkg\nignore_imports =\n    {}\n"
    ignored = _package(tmp_path, contract.format("ringpkg.kinds -> ringpkg.kinds.one"))
    assert in_dir(tmp_path, ignored) == EXIT_STATUS_SUCCESS
    stale = _package(tmp_path, contract.format("ringpkg.other -> ringpkg.kinds"))
    with pytest.raises(Exception, match="No matches for ignored import"):
        in_dir(tmp_path, stale)


def test_strongly_connected_finds_every_cycle_and_survives_a_long_chain():
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["e"], "e": ["d"], "f": ["a"]}
    assert strongly_connected(graph, lambda n: graph.get(n, [])) == [["a", "b", "c"], ["d", "e"]]
    chain = {f"m{i}": [f"m{i + 1}"] for i in range(20_000)}
    chain["m20000"] = ["m0"]
    (cycle,) = strongly_connected(chain, lambda n: chain.get(n, []))
    assert len(cycle) == 20_001

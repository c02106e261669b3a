"""An import-linter contract type that refuses any cycle of imports between modules.

import-linter's own ``acyclic_siblings`` looks for cycles between the children of a package,
each taken with everything below it. A cycle through a package's ``__init__`` (the package
imports its modules, which import it back) is not one between siblings, and it misses it.
``acyclic_modules`` takes the modules one by one, as Python imports them, counting every import
(at the top of a module, inside a function, under ``TYPE_CHECKING``), and prints each cycle
with the lines that make it. pyproject.toml's ``[tool.importlinter]`` registers it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output
from importlinter.application import contract_utils
from importlinter.application.contract_utils import AlertLevel


class AcyclicModulesContract(Contract):
    """No module of the containers imports, even through others, a module that imports it."""

    type_name = "acyclic_modules"

    containers = fields.ListField(subfield=fields.ModuleField())
    ignore_imports = fields.SetField(subfield=fields.ImportExpressionField(), required=False)
    unmatched_ignore_imports_alerting = fields.EnumField(AlertLevel, default=AlertLevel.ERROR)

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        removal = contract_utils.remove_ignored_imports_and_report(
            graph=graph,
            ignore_imports=self.ignore_imports,  # type: ignore[arg-type]
            unmatched_alerting=self.unmatched_ignore_imports_alerting,  # type: ignore[arg-type]
        )
        modules: set[str] = set()
        for container in self.containers:  # type: ignore[attr-defined]
            modules |= {container.name, *graph.find_descendants(container.name)}

        def imported_by(module: str) -> set[str]:
            return graph.find_modules_directly_imported_by(module) & modules

        cycles = []
        for component in strongly_connected(sorted(modules), imported_by):
            members = set(component)
            imports = [
                (importer, imported, detail["line_number"], detail["line_contents"])
                for importer in component
                for imported in sorted(imported_by(importer) & members)
                for detail in graph.get_import_details(importer=importer, imported=imported)
            ]
            cycles.append({"modules": component, "imports": imports})
        return ContractCheck(
            kept=not cycles,
            metadata={"cycles": cycles},
            warnings=list(removal.warnings),
            ignored_import_count=removal.ignored_import_count,
        )

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error("These modules import each other: " + " <-> ".join(cycle["modules"]))
            for importer, imported, line_number, line in cycle["imports"]:
                output.print_error(f"- {importer} -> {imported} (l.{line_number}: {line})", False)
            output.new_line()


def strongly_connected(
    nodes: Iterable[str], successors: Callable[[str], Iterable[str]]
) -> list[list[str]]:
    """Return the cycles of a directed graph: its strongly connected components of two or more.

    Tarjan's algorithm, without recursion (a deep chain of imports must not hit Python's
    recursion limit). Each component comes sorted, and the list too.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in nodes:
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work: list[tuple[str, Any]] = [(root, iter(sorted(successors(root))))]
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(successors(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return sorted(found)

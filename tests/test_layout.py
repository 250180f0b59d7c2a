"""The house rules of the source tree (issue 13): feature packages, no import cycle, and the
sandbox outside the bot's own distribution. Imports are read from the source (ast), including
those under TYPE_CHECKING and inside functions: a cycle there still ties two modules together.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BOT = ROOT / "bot"
SANDBOX = ROOT / "sandbox" / "meetbot_sandbox"


def _modules(package: Path, name: str) -> dict[str, Path]:
    found = {}
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([name, *parts])] = path
    return found


def _imports(path: Path, module: str, known: dict[str, Path]) -> Iterator[str]:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            # `from package import module` loads the package first, but what it depends on is
            # the module; any other name comes from the package itself.
            for alias in node.names:
                yield f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base


def _graph(known: dict[str, Path]) -> dict[str, set[str]]:
    return {
        module: {target for target in _imports(path, module, known) if target in known} - {module}
        for module, path in known.items()
    }


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
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

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_in_the_bot_or_the_sandbox() -> None:
    known = {**_modules(BOT, "bot"), **_modules(SANDBOX, "meetbot_sandbox")}
    assert _cycles(_graph(known)) == []


def test_bot_keeps_at_most_ten_top_level_modules() -> None:
    top = sorted(path.name for path in BOT.glob("*.py"))
    assert len(top) <= 10, top


def test_the_bot_never_imports_the_sandbox_but_to_start_it() -> None:
    """`pip install .` of the bot has no emulator: only `python -m bot` without credentials
    reaches for the sandbox, and says how to install it when it is missing."""
    known = _modules(BOT, "bot")
    users = sorted(
        module
        for module, path in known.items()
        if any(t.startswith("meetbot_sandbox") for t in _imports(path, module, known))
    )
    assert users == ["bot.__main__"]
    assert not (BOT / "sandbox").exists()


def test_imports_go_downward() -> None:
    """The foundations (domain, storage, providers) never reach up into the features, the
    Slack listeners or the composition root; Daily, the live provider, owes nothing to the
    retired Meetings package."""
    known = _modules(BOT, "bot")
    upper = ("bot.meet", "bot.cards", "bot.standups", "bot.home", "bot.slack", "bot.app", "bot.run")
    found = {
        (module, target)
        for module, path in known.items()
        if module.startswith(("bot.domain", "bot.storage", "bot.providers"))
        for target in _imports(path, module, known)
        if target.startswith(upper)
        or (
            module.startswith("bot.providers.daily") and target.startswith("bot.providers.meetings")
        )
    }
    assert found == set()

"""The allowed directions of imports (docs/architecture.md), checked on the source: user interfaces use
domains, domains use lower domains and models, the host wires everything; no cycles; no import of the
project's own code hidden inside a function."""

import ast
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# package -> the project packages it may import (itself always). Lowest first.
ALLOWED = {
    "models": set(),
    "formatting": set(),  # numbers, dates and times as every page writes them
    "exports": set(),  # tables written as CSV or XLSX, row by row
    "mail": set(),  # e-mail through SMTP
    "ratelimits": set(),  # the public pages' rate limits (Flask-Limiter)
    "charts": set(),  # SVG charts drawn on the server
    "uploads": set(),  # checks of an uploaded workbook before it is parsed (zip bombs)
    "migrations": set(),  # frozen copies of the models: nothing of today's code
    "jobs": {"models"},
    "importing": {"models", "jobs", "formatting", "uploads"},
    "quality": {"models", "jobs", "formatting", "questionnaires"},  # fabrication flags
    "fieldwork": {"models", "jobs", "formatting", "questionnaires", "mail", "importing", "exports", "quality"},
    "backups": {"models"},  # backup create|restore
    "privacy": {"models", "jobs"},  # the personal-data purge after retention
    "sampling": {"models", "jobs", "formatting", "fieldwork"},
    "questionnaires": {"models", "jobs", "formatting", "uploads"},
    "results": {"models", "jobs", "formatting", "exports", "questionnaires", "fieldwork", "links", "sampling"},
    "links": {"models", "jobs", "formatting", "mail", "exports", "questionnaires", "fieldwork", "quality"},
    "rechecks": {"models", "jobs", "formatting", "questionnaires", "fieldwork", "results", "quality"},
    "demo": {
        "models",
        "jobs",
        "formatting",
        "importing",
        "fieldwork",
        "sampling",
        "questionnaires",
        "links",
        "quality",
        "rechecks",
    },
    # user interfaces: any domain, never another interface, the host or the demo loader
    "backoffice": {
        "models",
        "jobs",
        "formatting",
        "exports",
        "importing",
        "fieldwork",
        "sampling",
        "questionnaires",
        "links",
        "results",
        "rechecks",
        "quality",
        "charts",
        "privacy",
    },
    "interviewer": {"models", "jobs", "formatting", "exports", "importing", "fieldwork", "sampling", "questionnaires"},
    "public": {
        "models",
        "jobs",
        "formatting",
        "exports",
        "importing",
        "fieldwork",
        "sampling",
        "questionnaires",
        "links",
        "ratelimits",
        "results",
        "charts",
    },
    # the host wires everything
    "core": {
        "mail",
        "models",
        "formatting",
        "exports",
        "migrations",
        "jobs",
        "importing",
        "fieldwork",
        "sampling",
        "questionnaires",
        "links",
        "ratelimits",
        "results",
        "rechecks",
        "quality",
        "charts",
        "backups",
        "privacy",
        "demo",
        "backoffice",
        "interviewer",
        "public",
    },
    "run": {"core"},
}
PACKAGES = set(ALLOWED)


def project_modules():
    """{module name: path} of every module of the project."""
    found = {"run": os.path.join(ROOT, "run.py")}
    for package in PACKAGES - {"run"}:
        for folder, _dirs, files in os.walk(os.path.join(ROOT, package)):
            for name in files:
                if name.endswith(".py"):
                    path = os.path.join(folder, name)
                    parts = os.path.relpath(path, ROOT)[:-3].split(os.sep)
                    if parts[-1] == "__init__":
                        parts = parts[:-1]
                    found[".".join(parts)] = path
    return found


def imports_of(module, path, modules):
    """[(imported project module, at module level?, line)] of one module."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    is_package = path.endswith("__init__.py")
    base = module.split(".") if is_package else module.split(".")[:-1]
    out = []

    def add(target, node, top):
        if target.split(".")[0] not in PACKAGES:
            return
        while target not in modules and "." in target:
            target = target.rsplit(".", 1)[0]
        if target in modules:
            out.append((target, top, node.lineno))

    def visit(node, top):
        for child in ast.iter_child_nodes(node):
            nested = top and not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda))
            if isinstance(child, ast.Import):
                for alias in child.names:
                    add(alias.name, child, top)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    prefix = ".".join(base[: len(base) - child.level + 1])
                    source = f"{prefix}.{child.module}" if child.module else prefix
                else:
                    source = child.module
                for alias in child.names:  # `from pkg import submodule` imports the submodule
                    submodule = f"{source}.{alias.name}"
                    add(submodule if submodule in modules else source, child, top)
            visit(child, nested)

    visit(tree, True)
    return out


def graph():
    modules = project_modules()
    return modules, {m: imports_of(m, p, modules) for m, p in modules.items()}


def test_packages_import_only_what_their_layer_allows():
    _modules, edges = graph()
    wrong = []
    for module, targets in edges.items():
        package = module.split(".")[0]
        for target, _top, line in targets:
            other = target.split(".")[0]
            if other != package and other not in ALLOWED[package]:
                wrong.append(f"{module}:{line} imports {target}")
    assert wrong == []


def test_no_project_import_is_hidden_inside_a_function():
    _modules, edges = graph()
    hidden = [f"{m}:{line} imports {t}" for m, targets in edges.items() for t, top, line in targets if not top]
    assert hidden == []


def test_there_is_no_import_cycle():
    _modules, edges = graph()
    adjacency = {m: sorted({t for t, _top, _line in targets if t != m}) for m, targets in edges.items()}
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = "open"
        stack.append(m)
        for t in adjacency.get(m, ()):
            if state.get(t) == "open":
                cycles.append(" -> ".join(stack[stack.index(t) :] + [t]))
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = "done"

    for module in sorted(adjacency):
        if module not in state:
            visit(module)
    assert cycles == []


def test_the_checker_sees_a_wrong_import(tmp_path):
    """The checks above would fail on a domain importing a user interface inside a function."""
    path = tmp_path / "bad.py"
    path.write_text("def f():\n    from backoffice import base\n")
    modules = {"sampling.bad": str(path), "backoffice": "", "backoffice.base": ""}
    assert imports_of("sampling.bad", str(path), modules) == [("backoffice.base", False, 2)]

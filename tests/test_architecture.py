"""The layout is the architecture: tests mirror src/ file for file, layers import only downwards,
and importing cathodeml does nothing but define names."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "cathodeml"
TESTS = Path(__file__).resolve().parent

#: Lowest first; a module may import its own layer or a lower one (docs/architecture.md).
LAYERS: tuple[frozenset[str], ...] = tuple(map(frozenset, (
    {"errors", "schema", "home", "plotting", "atomic"}, {"data"}, {"features"}, {"models"}, {"explain"}, {"tracking"},
    {"training"}, {"recommend"}, {"serve"}, {"cli"},
)))
#: Entry points, not modules of the library: MLflow's models-from-code file (it sets MLflow's
#: current model when imported) and ``python -m cathodeml.cli`` (it runs the CLI).
NOT_IMPORTED = {"tracking/pyfunc_model.py", "cli/__main__.py"}
NOT_MIRRORED = NOT_IMPORTED | {"__init__.py"}


def modules() -> list[tuple[str, Path]]:
    """(dotted name, file) of every module of the package."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        parts = path.relative_to(SRC.parent).with_suffix("").parts
        out.append((".".join(parts[:-1] if parts[-1] == "__init__" else parts), path))
    return out


def layer(module: str) -> int | None:
    """The layer of ``cathodeml.<top>…`` (None: the package's own ``__init__``, the facade)."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    for rank, names in enumerate(LAYERS):
        if parts[1] in names:
            return rank
    raise AssertionError(f"{module}: no layer for cathodeml.{parts[1]} — add it to LAYERS and docs/architecture.md")


def imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """(imported module, names taken from it, line) of every import, function-level ones included."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            found.append((base, [a.name for a in node.names], node.lineno))
    return [(m, names, line) for m, names, line in found if m == "cathodeml" or m.startswith("cathodeml.")]


def test_every_module_has_its_test_file():
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.as_posix() in NOT_MIRRORED or rel.name in NOT_MIRRORED:
            continue
        test = TESTS / rel.parent / f"test_{rel.name}"
        if not test.is_file():
            missing.append(f"src/cathodeml/{rel.as_posix()} → tests/{test.relative_to(TESTS).as_posix()}")
    assert not missing, "modules without their test file:\n  " + "\n  ".join(missing)


def test_layers_import_only_downwards():
    wrong = []
    for module, path in modules():
        own = layer(module)
        for target, names, line in imports(module, path):
            theirs = layer(target)
            if theirs is None:
                # The facade re-exports the library; below it, only its version may be taken
                # (defined before the facade imports anything, so it is there whoever asks first).
                if own is not None and names != ["__version__"]:
                    wrong.append(f"{module}:{line} takes {names} from the cathodeml facade")
            elif own is not None and theirs > own:
                wrong.append(f"{module}:{line} ({sorted(LAYERS[own])[0]} layer) imports {target}")
    assert not wrong, "imports against the layer order:\n  " + "\n  ".join(wrong)


def test_the_version_is_defined_before_the_facade_imports_anything():
    tree = ast.parse((SRC / "__init__.py").read_text(encoding="utf-8"))
    first_import = min(n.lineno for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom)) and
                       (getattr(n, "module", "") or "").startswith("cathodeml"))
    (version,) = [n for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "__version__"]
    assert version.lineno < first_import


def test_the_layer_check_sees_function_level_and_relative_imports(tmp_path):
    sample = tmp_path / "cathodeml" / "data" / "x.py"
    sample.parent.mkdir(parents=True)
    sample.write_text("def f():\n    from cathodeml.cli import app\n    from ..models import target\n", encoding="utf-8")
    found = imports("cathodeml.data.x", sample)
    assert [(m, line) for m, _, line in found] == [("cathodeml.cli", 2), ("cathodeml.models", 3)]
    assert layer("cathodeml.cli") > layer("cathodeml.data.x")


_IMPORT_ALL = """
import importlib, json, logging, os, sys
# What the libraries cathodeml uses do at their own import (scikit-learn sets two KMP_* variables,
# MLflow configures its logger) is theirs: import them first, then take the snapshot.
for name in json.loads(sys.argv[2]):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
root = logging.getLogger()
before = (list(root.handlers), root.level)
env = dict(os.environ)
for name in json.loads(sys.argv[1]):
    importlib.import_module(name)
ours = {n: len(l.handlers) for n, l in logging.root.manager.loggerDict.items()
        if n.startswith("cathodeml") and isinstance(l, logging.Logger) and l.handlers}
print(json.dumps({
    "files": sorted(os.listdir(".")),
    "env_added": sorted(set(os.environ) - set(env)),
    "env_changed": sorted(k for k in env if os.environ.get(k) != env[k]),
    "root_logger_changed": (list(root.handlers), root.level) != before,
    "our_handlers": ours,
    "imported": len([n for n in sys.modules if n.startswith("cathodeml")]),
}))
"""


def third_party_imports() -> list[str]:
    """Every non-cathodeml module the package imports at module level (what importing it runs)."""
    found = set()
    for _, path in modules():
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                found.add(node.module)
    return sorted(m for m in found if not m.startswith("cathodeml") and m != "__future__")


def test_importing_every_module_creates_nothing_and_configures_nothing(tmp_path):
    names = [m for m, p in modules() if p.relative_to(SRC).as_posix() not in NOT_IMPORTED]
    env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
    done = subprocess.run([sys.executable, "-c", _IMPORT_ALL, json.dumps(names), json.dumps(third_party_imports())],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["imported"] >= len(names)
    assert report["files"] == [] and list(tmp_path.iterdir()) == [], "importing must create no file"
    assert "MLFLOW_TRACKING_URI" not in report["env_added"], "importing must not choose a tracking store"
    assert report["env_added"] == [] and report["env_changed"] == [], "importing cathodeml must leave os.environ alone"
    assert not report["root_logger_changed"] and report["our_handlers"] == {}, "logging is the application's to configure"


@pytest.mark.parametrize("module", ["cathodeml.tracking.pyfunc_model"])
def test_the_models_from_code_file_is_not_imported_by_the_package(module):
    assert all(module not in {t for t, _, _ in imports(m, p)} for m, p in modules())

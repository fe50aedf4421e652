"""Your own measurements: versioned lab datasets, kept apart from the shipped literature.

``cathodeml data add FILE --lab NAME`` reads a lab's table with the same reader and the same
dataset rules as the shipped dataset (:func:`cathodeml.data.io.check_file` with
``dataset=True``), plus the rules of training several datasets together (record ids unique across
them, a lab's sources its own), and appends its rows to the lab's dataset. Any problem refuses
the whole file — every problem is listed and nothing is appended.

A lab dataset is an append-only folder under :func:`cathodeml.home.datasets_dir`::

    datasets/NAME/manifest.json      versions: number, sha256, rows, rows per source, when, from which file
    datasets/NAME/v0001.csv          the whole table at version 1 (canonical columns + your extra ones)
    datasets/NAME/v0002.csv          version 1's rows + the next file's rows

Every state is a file of its own, so its sha256 is what a training run logs and a model version
names (``lab:NAME@2``). Version numbers are never reused: removing the latest version (undo of
an ``add``) marks it removed in the manifest, so a run that used it still names it
unambiguously. The shipped dataset is never written.

**What ``source`` means in a lab's rows.** In the literature ``source`` is the paper; for a lab
it is the *batch*: the samples synthesised, assembled and measured together (one precursor lot,
one furnace run, one set of cells), e.g. ``lab:NAME/batch-07`` or a notebook page id. It is the
cross-validation grouping key: a lab's batches are its groups, so a model is validated on batches
it has not seen — rows of one batch share systematic errors the way rows of one paper do. A
source may not be one of the shipped literature's sources (a DOI).

Writes are atomic (a temporary file in the same folder, then a rename) and serialised by a lock
file per lab; files a user gives are only read.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from cathodeml.atomic import replacing
from cathodeml.data.dataset import dataset_path, load_dataset, sha256_bytes
from cathodeml.data.io import check_file, read_recipes
from cathodeml.errors import DatasetError, Problem, RecipeValidationError
from cathodeml.home import datasets_dir
from cathodeml.schema import CONTROLS, DATASET_COLUMNS, PREDICTION_COLUMNS, SPECS

MANIFEST = "manifest.json"
DEFAULT_LAB = "default"
#: A lab name: a folder name and part of ``lab:NAME`` and of MLflow tag keys.
NAME_RULE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
LAB_PREFIX = "lab:"


def check_name(name: str) -> str:
    if not isinstance(name, str) or not NAME_RULE.match(name):
        raise DatasetError(f"lab name {name!r}: use 1–63 lower-case letters, digits, '-' or '_', starting with a "
                           "letter or digit (e.g. 'ncm-group')")
    return name


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Version:
    """One state of a lab dataset."""

    version: int
    file: str
    sha256: str
    rows: int
    rows_added: int
    rows_per_source: dict[str, int]
    created_at: str
    parent: int | None
    added_from: str  # the file whose rows made this version (as given, resolved)
    added_sha256: str  # that file's sha256 when it was read
    removed_at: str | None = None

    @property
    def removed(self) -> bool:
        return self.removed_at is not None


@dataclass
class LabDataset:
    """A lab's dataset: its folder and the versions its manifest lists."""

    name: str
    folder: Path
    created_at: str
    versions: list[Version] = field(default_factory=list)

    @property
    def current(self) -> Version | None:
        """The latest version not removed (None: every version was removed)."""
        live = [v for v in self.versions if not v.removed]
        return live[-1] if live else None

    def version(self, number: int | None = None) -> Version:
        """Version ``number`` (None = current), refused when unknown or removed."""
        if number is None:
            if self.current is None:
                raise DatasetError(f"lab '{self.name}' has no version left (all removed); `cathodeml data add` a file")
            return self.current
        for v in self.versions:
            if v.version == number:
                if v.removed:
                    raise DatasetError(f"lab '{self.name}' version {number} was removed on {v.removed_at}")
                return v
        known = ", ".join(str(v.version) for v in self.versions if not v.removed) or "none"
        raise DatasetError(f"lab '{self.name}' has no version {number} (versions: {known})")

    def path(self, number: int | None = None) -> Path:
        return self.folder / self.version(number).file

    def load(self, number: int | None = None) -> pd.DataFrame:
        """The typed table of a version, read (and checked) like any dataset file."""
        return read_recipes(self.path(number), dataset=True)

    def spec(self, number: int | None = None) -> str:
        """``lab:NAME@N``: how ``train --data`` and lineage tags name this version."""
        return f"{LAB_PREFIX}{self.name}@{self.version(number).version}"

    def to_dict(self) -> dict:
        return {"name": self.name, "created_at": self.created_at, "versions": [asdict(v) for v in self.versions]}

    @classmethod
    def from_dict(cls, doc: dict, folder: Path) -> LabDataset:
        return cls(doc["name"], folder, doc["created_at"], [Version(**v) for v in doc["versions"]])


@dataclass(frozen=True)
class Added:
    """What ``add`` did: the dataset, the new version, and the columns it kept or left out."""

    dataset: LabDataset
    version: Version
    ignored_columns: list[str]  # extra columns of the file: kept in the table, not used by models
    new_columns: list[str]  # extra columns this file brought that earlier versions did not have


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and a rename."""
    with replacing(path) as tmp:
        tmp.write_bytes(data)


def table_bytes(frame: pd.DataFrame) -> bytes:
    """A typed recipe frame as canonical CSV (UTF-8): the dataset columns first, then extra ones.

    Whole-number columns are written without a decimal point and floats in their shortest exact
    form, so reading the bytes back gives the same typed frame.
    """
    extra = [c for c in frame.columns if c not in SPECS]
    out = frame[list(DATASET_COLUMNS) + extra].copy()
    for c in DATASET_COLUMNS:
        if SPECS[c].kind == "int":
            out[c] = pd.to_numeric(out[c]).astype("Int64")
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def rows_per_source(frame: pd.DataFrame) -> dict[str, int]:
    counts = frame["source"].astype(str).value_counts(sort=False)
    return {str(k): int(v) for k, v in sorted(counts.items())}


class LabStore:
    """The user's lab datasets under ``root`` (default :func:`cathodeml.home.datasets_dir`)."""

    def __init__(self, root: str | Path | None = None):
        self.root = datasets_dir(root)

    # ---- reading ---------------------------------------------------------------------------
    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir() if (p / MANIFEST).is_file())

    def exists(self, name: str) -> bool:
        return (self.root / check_name(name) / MANIFEST).is_file()

    def get(self, name: str) -> LabDataset:
        folder = self.root / check_name(name)
        manifest = folder / MANIFEST
        if not manifest.is_file():
            known = ", ".join(self.names()) or "none yet"
            raise DatasetError(f"no lab dataset '{name}' in {self.root} (labs: {known}); "
                               f"add one with `cathodeml data add FILE --lab {name}`")
        try:
            return LabDataset.from_dict(json.loads(manifest.read_text(encoding="utf-8")), folder)
        except (ValueError, KeyError, TypeError) as exc:
            raise DatasetError(f"{manifest}: not a cathodeml lab manifest ({exc})") from None

    # ---- writing ---------------------------------------------------------------------------
    @contextmanager
    def _locked(self, name: str) -> Iterator[Path]:
        folder = self.root / name
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / ".lock", "w") as lock:
            try:
                import fcntl
            except ImportError:  # not POSIX: no cross-process lock
                yield folder
                return
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise DatasetError(f"lab '{name}' is being written by another cathodeml command; try again") from None
            try:
                yield folder
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def _write_manifest(self, dataset: LabDataset) -> None:
        text = json.dumps(dataset.to_dict(), indent=2, ensure_ascii=False) + "\n"
        atomic_write(dataset.folder / MANIFEST, text.encode("utf-8"))

    def add(self, path: str | Path, name: str = DEFAULT_LAB) -> Added:
        """Validate ``path`` and append its rows as a new version of lab ``name`` (created if new).

        Raises :class:`RecipeValidationError` with every problem of the file — the reader's, the
        dataset rules', and those against the lab's earlier rows and the shipped dataset — and
        appends nothing then.
        """
        check_name(name)
        path = Path(path)
        raw = path.read_bytes() if path.is_file() else None
        result = check_file(path, dataset=True)
        problems = list(result.problems)
        frame = result.frame
        with self._locked(name) as folder:
            dataset = self.get(name) if self.exists(name) else LabDataset(name, folder, _now())
            base = dataset.load() if dataset.current is not None else None
            if len(frame):
                problems += self._clashes(frame, base, dataset)
            if problems:
                raise RecipeValidationError(path, problems, result.ignored_columns)
            extra = [c for c in frame.columns if c not in SPECS and c not in PREDICTION_COLUMNS]
            new = frame[list(DATASET_COLUMNS) + extra]
            old_extra = [] if base is None else [c for c in base.columns if c not in SPECS]
            table = new if base is None else pd.concat([base, new], ignore_index=True)
            table = table[list(DATASET_COLUMNS) + old_extra + [c for c in extra if c not in old_extra]]
            data = table_bytes(table)
            number = max((v.version for v in dataset.versions), default=0) + 1
            file = f"v{number:04d}.csv"
            atomic_write(folder / file, data)
            version = Version(number, file, sha256_bytes(data), len(table), len(new), rows_per_source(table), _now(),
                              None if dataset.current is None else dataset.current.version,
                              str(path.resolve()), sha256_bytes(raw or b""))
            dataset.versions.append(version)
            self._write_manifest(dataset)
        return Added(dataset, version, [c for c in result.ignored_columns if c in extra],
                     [c for c in extra if c not in old_extra])

    def _clashes(self, frame: pd.DataFrame, base: pd.DataFrame | None, dataset: LabDataset) -> list[Problem]:
        """The rules of a lab's rows beyond one file's: ids unique across the lab's versions and the
        shipped dataset, sources that are not literature papers, no control columns."""
        problems: list[Problem] = []
        for target, col in CONTROLS.items():
            if col in frame and frame[col].notna().any():
                problems.append(Problem(None, col, None, "describes a prediction request, not a measured sample: in a "
                                        "dataset your untreated control is a row of its own (same source, no "
                                        "treatment); leave this column out"))
        literature = load_dataset()
        taken = {str(r): f"the shipped literature dataset ({dataset_path().name})" for r in literature["record_id"]}
        if base is not None:
            cur = dataset.current
            taken |= {str(r): f"lab '{dataset.name}' (version {cur.version})" for r in base["record_id"]}
        for rid in frame["record_id"].astype(str):
            if rid in taken:
                problems.append(Problem(None, "record_id", rid, f"is already in {taken[rid]}; give each new row its own id"))
        papers = set(literature["source"].astype(str))
        for src in sorted(set(frame["source"].astype(str)) & papers):
            problems.append(Problem(None, "source", src, "is a paper of the shipped literature dataset; a lab's source "
                                    f"is its batch (e.g. 'lab:{dataset.name}/batch-01'), its cross-validation group"))
        return problems

    def remove(self, name: str, version: int | None = None) -> LabDataset | None:
        """Remove the latest version of lab ``name`` (``version`` must be it), or the whole lab
        (``version`` None; returns None). Earlier versions cannot be removed on their own: later
        ones hold their rows."""
        dataset = self.get(name)
        if version is None:
            with self._locked(name):
                shutil.rmtree(dataset.folder)
            return None
        with self._locked(name):
            dataset = self.get(name)
            target = dataset.version(version)
            current = dataset.current
            if current is not None and target.version != current.version:
                raise DatasetError(f"lab '{name}' version {version} is not the latest ({current.version}): later "
                                   f"versions hold its rows; remove version {current.version} first")
            (dataset.folder / target.file).unlink(missing_ok=True)
            i = dataset.versions.index(target)
            dataset.versions[i] = Version(**(asdict(target) | {"removed_at": _now()}))
            self._write_manifest(dataset)
        return dataset

"""Admin import screen's work: validate each upload once, in a worker process; swap the database; archives.

Validation is keyed by the uploaded bytes (SHA-256), so that the reruns of the page reuse it, and it runs
in a separate process: a large or hostile file then costs neither the other visitors' interpreter time
(a validating thread would hold the interpreter lock: pages waited 10-24 s) nor the server's memory
(the worker exits after each file). Uploaded bytes are written to a temporary folder only for as long
as a step needs them, and the folder is always removed.
"""
from __future__ import annotations

import contextlib
import csv
import datetime as dt
import hashlib
import io
import multiprocessing
import tempfile
import threading
from collections import OrderedDict
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator

import pandas as pd

from . import build, config, gal, importer

PROBLEM_LABELS = {"level": "Niveau", "file": "Fichier", "sheet": "Feuille", "row": "Ligne",
                  "record": "Identifiant", "column": "Colonne", "value": "Valeur", "rule": "Règle",
                  "suggestion": "Suggestion"}
MAX_VALIDATIONS = 4      # validations kept per server process (the most recent ones)
KINDS = ("import", "gal")


@dataclass(frozen=True)
class Upload:
    name: str            # file name only, never a client path
    data: bytes


def uploads_of(files: Iterable) -> list[Upload]:
    """Streamlit's uploaded files (objects with .name and .getvalue()) as plain uploads."""
    return [Upload(Path(f.name).name, f.getvalue()) for f in files]


def digest(uploads: list[Upload], kind: str = "import") -> str:
    h = hashlib.sha256(kind.encode())
    for up in uploads:
        h.update(b"\0" + up.name.encode() + b"\0" + str(len(up.data)).encode() + b"\0")
        h.update(up.data)
    return h.hexdigest()


@contextlib.contextmanager
def staged(uploads: list[Upload], root: str | None = None) -> Iterator[list[Path]]:
    """The uploads written to a private temporary folder (under `root`, default the system's temporary
    folder), removed when the block ends."""
    with tempfile.TemporaryDirectory(prefix="fabrique-import-", dir=root) as folder:
        paths = []
        for up in uploads:
            target = Path(folder) / up.name
            target.write_bytes(up.data)
            paths.append(target)
        yield paths


def check(kind: str, uploads: list[Upload], root: str | None = None) -> importer.ImportResult | gal.GalResult:
    """Validate uploads (run in the worker process, staged under the server's temporary folder `root`)."""
    with staged(uploads, root) as paths:
        if kind == "gal":
            return gal.read_gal_file(paths[0])
        return importer.import_files(paths)


@dataclass
class Validation:
    key: str
    kind: str
    names: tuple[str, ...]
    future: Future

    def done(self) -> bool:
        return self.future.done()

    def result(self, timeout: float | None = None):
        """The ImportResult or GalResult; raises ValidationFailed with a French message."""
        try:
            return self.future.result(timeout)
        except TimeoutError:
            raise
        except BrokenProcessPool:
            raise ValidationFailed("La vérification du fichier s'est arrêtée (mémoire ou temps épuisés) : "
                                   "le fichier est sans doute trop grand.") from None
        except Exception as exc:  # noqa: BLE001 - a bug must not show a traceback to the user
            raise ValidationFailed(f"La vérification du fichier a échoué ({type(exc).__name__}).") from exc


class ValidationFailed(Exception):
    """The worker could not validate the files; the message is French."""


_LOCK = threading.Lock()
_VALIDATIONS: OrderedDict[str, Validation] = OrderedDict()
_EXECUTOR: ProcessPoolExecutor | None = None
SUBMITTED = {"n": 0}  # validations started in this process (tests check that reruns reuse them)


def _executor() -> ProcessPoolExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        # spawn: a fresh interpreter, never a fork of the threaded server; one file per worker process,
        # so that its memory goes back to the system when it is done.
        _EXECUTOR = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                        max_tasks_per_child=1)
    return _EXECUTOR


def _failed(job: Validation) -> bool:
    """A finished validation that gave no result (cancelled, or the worker failed): start it again."""
    f = job.future
    return f.done() and (f.cancelled() or f.exception() is not None)


def validation(uploads: list[Upload], kind: str = "import") -> Validation:
    """The validation of these uploads: started on first call, the same object on every rerun."""
    if kind not in KINDS:
        raise ValueError(kind)
    global _EXECUTOR
    key = digest(uploads, kind)
    with _LOCK:
        job = _VALIDATIONS.get(key)
        if job is not None and not _failed(job):
            _VALIDATIONS.move_to_end(key)
            return job
        root = tempfile.gettempdir()  # the server's, not whatever the worker process inherited
        try:
            future = _executor().submit(check, kind, uploads, root)
        except BrokenProcessPool:  # a previous worker died: start a new pool
            _EXECUTOR = None
            future = _executor().submit(check, kind, uploads, root)
        SUBMITTED["n"] += 1
        job = Validation(key, kind, tuple(u.name for u in uploads), future)
        _VALIDATIONS[key] = job
        while len(_VALIDATIONS) > MAX_VALIDATIONS:
            _, old = _VALIDATIONS.popitem(last=False)
            old.future.cancel()
        return job


def forget(key: str) -> None:
    with _LOCK:
        _VALIDATIONS.pop(key, None)


def problems_frame(result: importer.ImportResult | gal.GalResult) -> pd.DataFrame:
    """The detailed problems with French headers, values made inert for a spreadsheet (the table's own
    download button writes them as they are shown)."""
    from .export import neutralise

    rows = [{k: neutralise(getattr(p, k)) for k in PROBLEM_LABELS} for p in result.problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_LABELS)).rename(columns=PROBLEM_LABELS)


def report_csv(result: importer.ImportResult | gal.GalResult) -> bytes:
    """The problem report as rapport_import.csv for French Excel (formula-safe, like the CLI's)."""
    buf = io.StringIO(newline="")
    csv.writer(buf, delimiter=";").writerows(
        importer.report_rows(result.problems, result.n_errors, result.n_warnings))
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def apply(result: importer.ImportResult, uploads: list[Upload], partial: bool,
          allow_empty: bool = False) -> build.BuildResult:
    """Replace the network's records. Refuses a faulty import unless partial (rows kept in rejected_rows),
    and an import that would leave no structure or no project unless allow_empty."""
    if not result.ok and not partial:
        raise build.BuildError("L'importation contient des erreurs : corrigez-les ou choisissez l'importation "
                               "partielle.")
    if (why := importer.empty_import(result.records)) and not allow_empty:
        raise build.BuildError(why + ". Cochez « Accepter une importation vide » si c'est voulu.")
    with staged(uploads) as paths:  # hashed into build_info, then removed
        return build.build(result.records, kind="import", rejected=result.rejected if partial else None,
                           input_files=paths)


def apply_gal(table: pd.DataFrame, db_path: Path | None = None) -> build.BuildResult:
    """Rebuild the database with these GAL perimeters (replacing the demo's fictitious ones or a previous
    import) and the records it already holds: atomic, the previous database archived."""
    db = Path(db_path or config.db_path())
    records, rejected, kind, data_date = build.read_records(db)
    target = build.imports_dir(db) / build.GAL_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = target.read_bytes() if target.exists() else None
    tmp = target.with_suffix(".tmp")
    table[gal.OUTPUT_COLUMNS].to_csv(tmp, index=False)
    tmp.replace(target)
    try:
        return build.build(records, kind=kind, db_path=db, rejected=rejected, data_date=data_date)
    except BaseException:
        if previous is None:
            target.unlink()
        else:
            target.write_bytes(previous)
        raise


def archives() -> pd.DataFrame:
    folder = config.archive_dir()
    files = sorted(folder.glob("*.duckdb"), reverse=True) if folder.exists() else []
    return pd.DataFrame([{"Fichier": f.name,
                          "Archivé le": dt.datetime.fromtimestamp(f.stat().st_mtime).strftime("%d/%m/%Y %H:%M"),
                          "Taille (Mo)": round(f.stat().st_size / 1e6, 1)} for f in files],
                        columns=["Fichier", "Archivé le", "Taille (Mo)"])


def schema_bytes() -> bytes:
    """schema.json (the Table Schema package of fabrique.template) for a download button."""
    from . import template

    return template.table_schema_bytes()

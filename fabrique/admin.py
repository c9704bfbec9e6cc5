"""Admin import screen's work: stage uploaded files, validate, swap the database, list archives."""
from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pandas as pd

from . import build, config, gal, importer

PROBLEM_LABELS = {"file": "Fichier", "sheet": "Feuille", "row": "Ligne", "column": "Colonne", "value": "Valeur",
                  "rule": "Règle", "suggestion": "Suggestion"}


def stage(uploads) -> list[Path]:
    """Write uploaded files (objects with .name and .getvalue()) to a private temp folder, names kept."""
    folder = Path(tempfile.mkdtemp(prefix="fabrique-import-"))
    paths = []
    for up in uploads:
        target = folder / Path(up.name).name  # never trust a client path
        target.write_bytes(up.getvalue())
        paths.append(target)
    return paths


def validate(paths: list[Path]) -> importer.ImportResult:
    return importer.import_files(paths)


def problems_frame(result: importer.ImportResult) -> pd.DataFrame:
    rows = [{k: getattr(p, k) for k in PROBLEM_LABELS} for p in result.problems]
    return pd.DataFrame(rows, columns=list(PROBLEM_LABELS)).rename(columns=PROBLEM_LABELS)


def report_csv(result: importer.ImportResult) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = importer.write_report_csv(result.problems, Path(tmp) / "rapport.csv")
        return Path(path).read_bytes()


def apply(result: importer.ImportResult, paths: list[Path], partial: bool) -> build.BuildResult:
    """Replace the network's records; refuses a faulty import unless partial (rows kept in rejected_rows)."""
    if result.problems and not partial:
        raise build.BuildError("L'importation contient des problèmes : corrigez-les ou choisissez l'importation partielle.")
    return build.build(result.records, kind="import", rejected=result.rejected if partial else None,
                       input_files=paths)


def apply_gal(path: Path) -> build.BuildResult:
    """Load a GAL perimeter file and rebuild the database with the records it already holds."""
    db = config.db_path()
    table = gal.read_gal_file(path)
    records, rejected, kind, data_date = build.read_records(db)
    target = build.imports_dir(db) / build.GAL_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    previous = target.read_bytes() if target.exists() else None
    tmp = target.with_suffix(".tmp")
    table.to_csv(tmp, index=False)
    tmp.replace(target)
    try:
        return build.build(records, kind=kind, rejected=rejected, data_date=data_date)
    except Exception:
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

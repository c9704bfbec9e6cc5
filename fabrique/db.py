"""Read-only gateway to the DuckDB database: run a named query from queries/ with bound parameters."""
from __future__ import annotations

import os
import re
import threading
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from . import config

_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")
_lock = threading.Lock()
_connections: dict[Path, tuple[tuple, duckdb.DuckDBPyConnection]] = {}


class MissingParameter(KeyError):
    pass


@lru_cache(maxsize=None)
def sql_text(name: str) -> str:
    """The SQL of queries/<name>.sql."""
    return (config.QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def used_params(sql: str) -> set[str]:
    """The $names in the SQL body (comments excluded): DuckDB rejects missing and extra keys."""
    return set(_PARAM.findall(_COMMENT.sub("", sql)))


def declared_params(sql: str) -> set[str]:
    """The $names listed on the header line `-- params: ...`."""
    for line in sql.splitlines():
        if line.startswith("-- params:"):
            return set(_PARAM.findall(line))
    return set()


def version(path: Path | None = None) -> tuple:
    """Identity of the database file: changes when a build replaces it (os.replace gives a new inode)."""
    st = os.stat(path or config.db_path())
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _connection(path: Path) -> duckdb.DuckDBPyConnection:
    """One read-only connection per database file and version; reopened when the file is replaced."""
    current = version(path)
    with _lock:
        cached = _connections.get(path)
        if cached and cached[0] == current:
            return cached[1]
        # DuckDB shares one instance per file path within a process, so a plain connect() after
        # os.replace would hand back the old data. Attaching the file to a fresh in-memory instance
        # opens the new file; the old connection keeps serving readers still using it until it is
        # garbage-collected. The path comes from configuration, never from a user.
        con = duckdb.connect(":memory:")
        quoted = str(path).replace("'", "''")
        con.execute(f"attach '{quoted}' as fabrique (read_only)")
        _connections[path] = (current, con)
        return con


def run(name: str, params: dict | None = None, path: Path | None = None) -> pd.DataFrame:
    """Run queries/<name>.sql with exactly the parameters its body uses, through a fresh cursor."""
    sql = sql_text(name)
    params = params or {}
    needed = used_params(sql)
    missing = needed - params.keys()
    if missing:
        raise MissingParameter(f"{name}: paramètres manquants {sorted(missing)}")
    cur = _connection(Path(path or config.db_path())).cursor()
    try:
        cur.execute("use fabrique")
        return cur.execute(sql, {k: params[k] for k in needed}).df()
    finally:
        cur.close()


def query_names() -> list[str]:
    """Every read query (build and checks excluded), as names for run()."""
    root = config.QUERIES_DIR
    return sorted(
        str(p.relative_to(root).with_suffix(""))
        for p in root.rglob("*.sql")
        if p.parent.name not in ("build", "checks", "macros")
    )

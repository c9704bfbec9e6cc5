"""Performance benchmark of the dashboard, in one run: browser timings against a bare Streamlit page,
websocket bytes, query times at 1x and 100x data (and DuckDB against pandas), server memory per session.

    .venv/bin/python bench/run.py [--runs N] [--cold-runs N] [--scales 1,100] [--quick] [--out DIR]

Writes DIR/report.md and DIR/report.json (DIR defaults to bench/). See bench/README.md for what each
figure means and how it is measured. Targets are reported (met / missed), never asserted.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from loadtest import stack  # noqa: E402  (starts, health-checks and stops a server)

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BARE_SCRIPT = "bench/bare_app.py"
BARE_MARKER = "Fin de la page de référence"   # bench/bare_app.py END_MARKER
APP_MARKER = "Données au"                      # every dashboard page ends with ui.footer()
TIMEOUT_MS = 120_000          # a page load (cold, on a loaded machine)
FILTER_TIMEOUT_MS = 60_000    # a filter change

# What a page opens on when it has a view to show beyond its defaults (the territory page: a sheet rather
# than its empty search box).
PAGE_VIEWS = {"territoire": "?niveau=dep&code=29"}


def site_pages() -> dict[str, str]:
    """url path -> path actually opened, from the one declaration of the pages (fabrique.site). The overview is
    the default page, served at "/" ("/vue-d-ensemble" is an alias that redirects there, one extra script
    run), so the benchmark opens "/" as users do. The import screen is an administration form: left out."""
    from fabrique import site
    alias = {target: name for name, target in site.ALIASES.items()}
    return {alias.get(p.url_path, p.url_path): "" if p.default else p.url_path + PAGE_VIEWS.get(p.url_path, "")
            for p in site.PAGES if p.url_path != "importer"}


PAGES = site_pages()
QUICK_PAGES = ["vue-d-ensemble", "parcours"]
BARE = "bare"
# The territory map question (bench/map_probe.py): the same communes drawn as SVG (plotly) or WebGL (pydeck).
PROBE_SCRIPT = "bench/map_probe.py"
PROBE_MARKER = "Fin de la sonde carte"
PROBES = {"carte-plotly": "?moteur=plotly", "carte-pydeck": "?moteur=pydeck"}

TARGETS = {
    "page_vs_bare": 2.0,          # page fully rendered <= 2x the bare page
    "filter_vs_bare": 2.0,        # filter change <= 2x the bare page's rerun
    "filter_kb": 300.0,           # websocket KB per filter change, after the first load
    "filter_growth": 1.5,         # filter change at 100x <= 1.5x its time at 1x
    "session_mb": 25.0,           # server memory per extra concurrent session
}

# Page-specific parameters of the read queries: the values the pages pass by default, plus the
# heavier variants a user reaches in one click (all six contract families, commune level).
QUERY_VARIANTS: dict[str, list[dict]] = {
    "coverage/contract_rates": [{"level": "france", "family": None, "perimetre": "reseau", "seuil": "detection"},
                                {"level": "dep", "family": None, "perimetre": "france", "seuil": "etude"}],
    "coverage/contract_list": [{"family": "qpv", "perimetre": "reseau", "seuil": "detection"},
                               {"family": "frr", "perimetre": "france", "seuil": "detection"}],
    "coverage/network_presence": [{"level": "dep"}, {"level": "epci"}],
    "iae/totals": [{"zoom_reg": None, "zoom_dep": None}],
    "iae/by_territory": [{"level": "reg", "zoom_reg": None, "zoom_dep": None},
                         {"level": "commune", "zoom_reg": None, "zoom_dep": None}],
}
# The territory sheet's queries: a département (the page's usual case) and the région with the most communes
# (Grand Est, 5,100: the heaviest sheet); the search with a name typed; the carnet in both groupings.
TERRITORY_VARIANTS = [{"niveau": "dep", "code": "29"}, {"niveau": "reg", "code": "44"}]
QUERY_VARIANTS.update({f"territoire/{name}": TERRITORY_VARIANTS for name in (
    "comparison", "commune_projects", "communes_map", "context", "density_profile", "iae_by_siae_type", "identity",
    "network_here", "projects_by_stage", "structures", "zone_projects", "zones")})
QUERY_VARIANTS["territoire/search"] = [{"text": "saint etienne", "tokens": ["saint", "etienne"], "code": "SAINT ETIENNE",
                                        "levels": ["reg", "dep", "epci", "commune"], "limit": 12}]
QUERY_VARIANTS["carnet/projects"] = [{"group_by": "structure"}, {"group_by": "territoire"}]
# Values of the other page parameters: what a page passes when the user chose nothing (no zoom).
GENERIC_EXTRA = {"structure_id": "FAI-01",  # a structure of the demo data (structures/* queries take one)
                 "zoom_reg": None, "zoom_dep": None, "zone_reg": None, "zone_dep": None}


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def stats(values: list[float]) -> dict:
    vals = [v for v in values if v is not None]
    if not vals:
        return {"median": None, "min": None, "max": None, "n": 0, "values": []}
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals),
            "values": [round(v, 4) for v in vals]}


# ==================================================================== demo databases

def build_demo(tmp: Path, scale: int) -> Path:
    path = tmp / f"demo_x{scale}.duckdb"
    cmd = [sys.executable, "-m", "fabrique", "demo", "--db", str(path)]
    if scale != 1:
        cmd += ["--scale", str(scale)]
    t = time.monotonic()
    subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True, text=True)
    log(f"demo database x{scale} built in {time.monotonic() - t:.1f} s ({path.stat().st_size / 1e6:.1f} MB)")
    return path


def base_params(path: Path) -> dict:
    from fabrique import db
    from fabrique.filters import Filters
    years = db.run("frame/year_range", path=path).iloc[0]
    return Filters(int(years["year_min"]), int(years["year_max"])).params()


def region_names(path: Path) -> list[str]:
    """Région names in the order the filter offers them, those with the most projects first."""
    from fabrique import db
    regs = db.run("overview/by_region", base_params(path), path=path)
    return regs.sort_values("detections_n", ascending=False)["reg_name"].tolist()


# ==================================================================== 3. query timings

def query_cases(path: Path) -> list[tuple[str, str, dict]]:
    """(label, query name, params) for every read query and variant."""
    from fabrique import db
    base = base_params(path)
    cases = []
    for name in db.query_names():
        needed = db.used_params(db.sql_text(name))
        for extra in QUERY_VARIANTS.get(name, [{}]):
            params = {**base, **GENERIC_EXTRA, **extra}
            for k in needed - params.keys():  # a parameter added since: its "no choice" value
                params[k] = None
                log(f"{name}: no sample value for ${k}, using null")
            shown = ", ".join(f"{k}={v}" for k, v in extra.items() if v is not None)
            cases.append((f"{name} [{shown}]" if len(QUERY_VARIANTS.get(name, [])) > 1 else name, name, params))
    return cases


def time_queries(path: Path, runs: int) -> dict:
    from fabrique import db
    out = {}
    for label, name, params in query_cases(path):
        db.run(name, params, path=path)  # warm-up: connection, parsing, OS page cache
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            df = db.run(name, params, path=path)
            times.append((time.perf_counter() - t) * 1000)
        out[label] = {**stats(times), "rows": len(df), "query": name}
    return out


# ==================================================================== 3b. DuckDB against pandas

def load_tables(path: Path, names: list[str]) -> dict:
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    try:
        return {n: con.execute(f"select * from {n}").df() for n in names}
    finally:
        con.close()


def pandas_rates(t: dict, year_from: int, year_to: int, level: str = "reg"):
    """coverage/contract_rates (France, détection) with no filter, every family, by région (or département): pandas
    version. The contracts and their matching keys are the build tables (contract_departments, contract_keys);
    matching the projects, counting and the rates are redone here."""
    import pandas as pd
    pf = t["project_facts"]
    projects = pf.loc[pf["detected_year"].between(year_from, year_to), ["project_id", "insee_code", "qpv_code"]]
    keys = t["contract_keys"]
    by_qpv = keys[keys["key_kind"] == "qpv"].merge(projects, left_on="key", right_on="qpv_code",
                                                    suffixes=("_key", ""))
    by_qpv = by_qpv[by_qpv["insee_code_key"].isna() | (by_qpv["insee_code_key"] == by_qpv["insee_code"])]
    by_commune = keys[keys["key_kind"] == "commune"].merge(projects, left_on="key", right_on="insee_code",
                                                            suffixes=("_key", ""))
    reached = (pd.concat([by_qpv[["family", "contract_id"]], by_commune[["family", "contract_id"]]])
               .drop_duplicates().assign(covered=1))
    deps = t["departments"][["dep_code", "reg_code", "dep_name"]]
    terr_col = "reg_code" if level == "reg" else "dep_code"
    ct = (t["contract_departments"][["family", "contract_id", "dep_code"]].merge(deps, on="dep_code")
          [["family", "contract_id", terr_col]].drop_duplicates())
    ct = ct.merge(reached, on=["family", "contract_id"], how="left")
    counts = ct.groupby(["family", terr_col]).agg(contracts_n=("contract_id", "size"),
                                                    covered_n=("covered", "count")).reset_index()
    families = (t["vocab_contract_families"][["code", "rank"]]
                .rename(columns={"code": "family", "rank": "family_order"}))
    territories = pd.DataFrame({terr_col: deps[terr_col].drop_duplicates()})
    out = families.merge(territories, how="cross").merge(counts, on=["family", terr_col], how="left")
    out = out.rename(columns={terr_col: "territory_code"})
    pct = out["covered_n"] / out["contracts_n"].where(out["contracts_n"] != 0)
    out["covered_n"] = out["covered_n"].fillna(0).astype("int64")
    out["contracts_n"] = out["contracts_n"].fillna(0).astype("int64")
    out["uncovered_n"] = out["contracts_n"] - out["covered_n"]
    out["coverage_pct"] = pct
    return out.sort_values(["family_order", "territory_code"]).reset_index(drop=True)


def pandas_iae_by_dep(t: dict, year_from: int, year_to: int):
    """iae/by_territory at département level, no filter, no zoom: pandas version."""
    pf = t["project_facts"]
    p = pf[pf["is_iae"].fillna(False).astype(bool) & pf["detected_year"].between(year_from, year_to)
           & pf["dep_code"].isin(t["departments"]["dep_code"])].copy()
    created = (p["created_year"] <= year_to).fillna(False).astype(bool)
    p = p.assign(
        aci_n=p["siae_type"].eq("ACI"), ei_n=p["siae_type"].eq("EI"), etti_n=p["siae_type"].eq("ETTI"),
        ai_n=p["siae_type"].eq("AI"), eiti_n=p["siae_type"].eq("EITI"),
        qpv_n=p["in_qpv"].fillna(False).astype(bool), rural_n=p["is_rural"].fillna(False).astype(bool),
        creations_n=created,
        jobs=p["jobs_etp"].where(created), ins=p["insertion_jobs_etp"].where(created),
    )
    counts = p.groupby("dep_code").agg(
        projects_n=("project_id", "size"), aci_n=("aci_n", "sum"), ei_n=("ei_n", "sum"), etti_n=("etti_n", "sum"),
        ai_n=("ai_n", "sum"), eiti_n=("eiti_n", "sum"), qpv_n=("qpv_n", "sum"), rural_n=("rural_n", "sum"),
        creations_n=("creations_n", "sum"), jobs_etp=("jobs", "sum"), insertion_jobs_etp=("ins", "sum"),
    ).reset_index()
    ext = t["communes"].groupby("dep_code").agg(lon_min=("lon", "min"), lon_max=("lon", "max"),
                                                 lat_min=("lat", "min"), lat_max=("lat", "max")).reset_index()
    terr = t["departments"][["dep_code", "dep_name", "population"]].rename(columns={"dep_name": "name"})
    out = terr.merge(ext, on="dep_code", how="left").merge(counts, on="dep_code", how="left")
    out.insert(0, "code", out["dep_code"])
    out["lon"] = (out["lon_min"] + out["lon_max"]) / 2
    out["lat"] = (out["lat_min"] + out["lat_max"]) / 2
    num = ["projects_n", "aci_n", "ei_n", "etti_n", "ai_n", "eiti_n", "qpv_n", "rural_n", "creations_n"]
    out[num] = out[num].fillna(0).astype("int64")
    out[["jobs_etp", "insertion_jobs_etp"]] = out[["jobs_etp", "insertion_jobs_etp"]].fillna(0.0)
    out["projects_per_100k"] = out["projects_n"] * 100000.0 / out["population"].where(out["population"] != 0)
    return out.sort_values(["projects_n", "name"], ascending=[False, True]).reset_index(drop=True)


def pandas_funnel(t: dict, year_from: int, year_to: int):
    """pipeline/reached_by_stage (the funnel), no filter: pandas version."""
    import pandas as pd
    from fabrique import vocab
    steps = [s.label for s in vocab.STAGES if s.is_step]   # the one declaration of the stages
    rank = {s: i for i, s in enumerate(steps, start=1)}
    pf = t["project_facts"]
    c = pf[pf["detected_year"].between(year_from, year_to)]
    furthest = c["abandon_stage"].where(c["stage"] == vocab.STAGES["abandon"].label, c["stage"]).map(rank)
    hist = furthest.value_counts()
    reached = [int(hist[hist.index >= r].sum()) for r in range(1, len(steps) + 1)]
    top = max(reached) if reached else 0
    return pd.DataFrame({"stage_rank": range(1, len(steps) + 1), "stage": steps, "reached_n": reached,
                         "reached_pct": [n / top if top else None for n in reached]})


PANDAS_CASES = {
    # label: (query name, extra params, pandas function, key columns to compare on)
    "coverage/contract_rates [all families, by région]": (
        "coverage/contract_rates", {"level": "reg", "family": None, "perimetre": "france", "seuil": "detection"},
        pandas_rates, ["family", "territory_code"]),
    "iae/by_territory [by département]": (
        "iae/by_territory", {"level": "dep", "zoom_reg": None, "zoom_dep": None}, pandas_iae_by_dep, ["code"]),
    "pipeline/reached_by_stage [funnel]": (
        "pipeline/reached_by_stage", {}, pandas_funnel, ["stage_rank"]),
}
PANDAS_TABLES = ["project_facts", "communes", "departments", "regions", "contract_keys", "contract_departments",
                 "vocab_contract_families"]


def compare_frames(a, b, keys: list[str]) -> tuple[bool, str]:
    """Same rows and same numbers (to 1e-9 relative) on the columns both frames have."""
    import numpy as np
    cols = [c for c in a.columns if c in b.columns]
    if len(a) != len(b):
        return False, f"{len(a)} rows against {len(b)}"
    a = a[cols].sort_values(keys).reset_index(drop=True)
    b = b[cols].sort_values(keys).reset_index(drop=True)
    bad = []
    for c in cols:
        x, y = a[c], b[c]
        if x.dtype.kind in "biuf" or y.dtype.kind in "biuf":
            xv = x.astype("float64").to_numpy()
            yv = y.astype("float64").to_numpy()
            if not np.allclose(xv, yv, rtol=1e-9, atol=1e-9, equal_nan=True):
                bad.append(c)
        elif not (x.astype(str).fillna("") == y.astype(str).fillna("")).all():
            bad.append(c)
    return (not bad), ("same rows and values on " + str(len(cols)) + " columns" if not bad
                       else "differs on " + ", ".join(bad))


def duckdb_vs_pandas(path: Path, runs: int) -> dict:
    from fabrique import db
    base = base_params(path)
    y1, y2 = base["year_from"], base["year_to"]
    t = time.perf_counter()
    tables = load_tables(path, PANDAS_TABLES)
    load_ms = (time.perf_counter() - t) * 1000
    out = {"_load_tables_ms": load_ms}
    for label, (name, extra, fn, keys) in PANDAS_CASES.items():
        params = {**base, **extra}
        ddb = db.run(name, params, path=path)
        pdf = fn(tables, y1, y2)
        same, detail = compare_frames(ddb, pdf, keys)
        d_times, p_times = [], []
        for _ in range(runs):
            t = time.perf_counter()
            db.run(name, params, path=path)
            d_times.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            fn(tables, y1, y2)
            p_times.append((time.perf_counter() - t) * 1000)
        out[label] = {"query": name, "duckdb_ms": stats(d_times), "pandas_ms": stats(p_times),
                      "same_result": same, "detail": detail, "rows": len(ddb)}
    return out


# ==================================================================== Streamlit server

class Server:
    """A `streamlit run` process on a free local port, reading the given database."""

    def __init__(self, script: str, db_path: Path, log_dir: Path):
        self.port = stack.free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log_dir / f"server_{self.port}.log"
        # The server's own time of each script run (fabrique.runlog; the bare page logs its runs too).
        self.run_log = log_dir / f"runs_{self.port}.jsonl"
        env = {**os.environ, "FABRIQUE_DB": str(db_path), "PYTHONUNBUFFERED": "1", "FABRIQUE_RUN_LOG": str(self.run_log)}
        with open(self.log, "wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "streamlit", "run", script, "--server.port", str(self.port),
                 "--server.address", "127.0.0.1", "--server.headless", "true",
                 "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
        try:
            stack.wait_healthy(self.base, self.proc, self.log, timeout=90)
        except RuntimeError:
            self.stop()
            raise

    def runs_logged(self) -> list[dict]:
        """Every script run logged so far: {"t", "page", "ms", "end"}."""
        if not self.run_log.exists():
            return []
        return [json.loads(line) for line in self.run_log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def rss_mb(self) -> float:
        """Resident set of the server process (VmRSS), in MB."""
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        raise RuntimeError("VmRSS not found")

    def stop(self) -> None:
        stack.stop(self.proc)


# ==================================================================== 1, 2. browser timings and bytes

# Counts the script runs of the app (every time the root's script state turns "running", also when the
# root first appears already running), stamps the start and end of the last run and the last user input,
# all in page time (performance.now()).
INIT_SCRIPT = """(() => {
  window.__stRuns = 0; window.__lastInput = null; window.__runStart = null; window.__runEnd = null;
  window.__wsMsgs = 0;
  // Every websocket message from the server (a run's deltas and its end), counted in the page.
  const NativeWS = window.WebSocket;
  window.WebSocket = new Proxy(NativeWS, {construct(T, args) {
    const ws = new T(...args);
    ws.addEventListener('message', () => { window.__wsMsgs += 1; });
    return ws;
  }});
  // Script runs, from the root's state attribute. The records' old values give every transition, even
  // when a short run starts and ends before the observer is called.
  let last = null;
  new MutationObserver((records) => {
    const app = document.querySelector('[data-testid="stApp"]');
    const attrs = records.filter(r => r.type === 'attributes' && r.target === app);
    const seq = attrs.length ? attrs.map(r => r.oldValue) : [last];
    seq.push(app ? app.getAttribute('data-test-script-state') : null);
    const now = performance.now();
    for (let i = 1; i < seq.length; i++) {
      if (seq[i] === 'running' && seq[i - 1] !== 'running') { window.__stRuns += 1; window.__runStart = now; }
      if (seq[i] !== 'running' && seq[i - 1] === 'running') window.__runEnd = now;
    }
    last = seq[seq.length - 1];
  }).observe(document, {attributes: true, attributeOldValue: true, childList: true, subtree: true,
                        attributeFilter: ['data-test-script-state']});
  for (const type of ['pointerdown', 'keydown'])
    document.addEventListener(type, () => { window.__lastInput = performance.now(); }, true);
})();"""

# Fully rendered: connected, script not running, a run seen after `minRuns`, the page's end marker
# shown, no skeleton or spinner left, every visible Plotly chart drawn. Returns the page time then.
SETTLED = """([marker, minRuns, minMsgs]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app || app.getAttribute('data-test-connection-state') !== 'CONNECTED'
      || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if ((window.__stRuns || 0) < minRuns && (window.__wsMsgs || 0) < minMsgs) return false;
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stSpinner"]')) return false;
  const main = document.querySelector('[data-testid="stMain"]');
  if (!main || !(main.innerText.includes(marker) || document.querySelector('[data-testid="stException"]')))
    return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]'))
    if (c.offsetParent !== null && !c.querySelector('.main-svg')) return false;
  for (const c of document.querySelectorAll('[data-testid="stDeckGlJsonChart"]'))
    if (c.offsetParent !== null && !c.querySelector('canvas')) return false;
  return performance.now();
}"""


@dataclass
class Target:
    name: str        # url path label, or "bare"
    script: str
    path: str
    marker: str
    widget: str      # the filter the benchmark changes: a sidebar multiselect or the bare select box

    @property
    def is_bare(self) -> bool:
        return self.name == BARE


def targets_for(pages: list[str]) -> list[Target]:
    out = [Target(BARE, BARE_SCRIPT, "", BARE_MARKER, "stSelectbox")]
    out += [Target(p, PROBE_SCRIPT, PROBES[p], PROBE_MARKER, "stSelectbox") if p in PROBES
            else Target(p, "app.py", PAGES[p], APP_MARKER, "stMultiSelect") for p in pages]
    return out


def pydeck_installed() -> bool:
    import importlib.util
    return importlib.util.find_spec("pydeck") is not None


class Bytes:
    """Websocket payload bytes received and sent by one page, counted as frames arrive."""

    def __init__(self, page):
        self.received = 0
        self.sent = 0
        page.on("websocket", self._attach)

    def _attach(self, ws) -> None:
        ws.on("framereceived", lambda payload: self._add("received", payload))
        ws.on("framesent", lambda payload: self._add("sent", payload))

    def _add(self, attr: str, payload) -> None:
        n = len(payload.encode("utf-8")) if isinstance(payload, str) else len(payload)
        setattr(self, attr, getattr(self, attr) + n)

    def snapshot(self) -> tuple[int, int]:
        return self.received, self.sent


# What the page looks like when it did not settle: which condition of SETTLED failed.
DIAGNOSE = """([marker, minRuns, minMsgs]) => {
  const app = document.querySelector('[data-testid="stApp"]');
  const main = document.querySelector('[data-testid="stMain"]');
  return {connection: app && app.getAttribute('data-test-connection-state'),
          script: app && app.getAttribute('data-test-script-state'), runs: window.__stRuns, runs_needed: minRuns,
          messages: window.__wsMsgs, messages_needed: minMsgs,
          skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
          spinners: document.querySelectorAll('[data-testid="stSpinner"]').length,
          end_marker: !!main && main.innerText.includes(marker),
          exceptions: document.querySelectorAll('[data-testid="stException"]').length,
          undrawn_charts: [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
            .filter(c => c.offsetParent !== null && !c.querySelector('.main-svg')).length};
}"""


class MeasureError(Exception):
    """One measurement failed (the page never settled, an option never showed): recorded, not fatal."""


def wait_rendered(page, marker: str, min_runs: int, timeout: float | None = None, min_msgs: float = 1e12) -> float:
    """Page time (ms) when the page was first seen fully rendered after `min_runs` script runs (or, for
    a run too short to show in the page, `min_msgs` websocket messages), confirmed 250 ms later."""
    from playwright.sync_api import Error as PlaywrightError
    while True:
        try:
            handle = page.wait_for_function(SETTLED, arg=[marker, min_runs, min_msgs],
                                            timeout=timeout or TIMEOUT_MS, polling=25)
        except PlaywrightError as e:
            try:
                state = page.evaluate(DIAGNOSE, [marker, min_runs, min_msgs])
            except PlaywrightError:
                state = "page unavailable"
            raise MeasureError(f"not rendered within {(timeout or TIMEOUT_MS) / 1000:.0f} s: {state}") from e
        at = handle.json_value()
        seen = page.evaluate("[window.__stRuns, window.__wsMsgs]")
        page.wait_for_timeout(250)   # charts and maps may still be drawing: the state must hold
        again = page.evaluate(SETTLED, [marker, min_runs, min_msgs])
        if again and page.evaluate("[window.__stRuns, window.__wsMsgs]") == seen:
            return float(at)


def open_page(ctx, url: str, marker: str) -> dict:
    """Open a URL in a new tab; ms from navigation start to fully rendered, and websocket bytes."""
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    counter = Bytes(page)
    page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
    at = wait_rendered(page, marker, 1)
    page.wait_for_timeout(100)  # let the last frames' events reach us
    rec, sent = counter.snapshot()
    return {"page": page, "counter": counter, "ms": at, "received": rec, "sent": sent}


# Where the browser's main thread spends a filter change, from a sampling profile (Chrome DevTools protocol): a
# sample whose stack runs through one of these bundles of Streamlit's frontend counts for it (the first match
# from the innermost frame). Layout forced by a library (Plotly measuring its text) counts for the library.
JS_BUNDLES = [
    ("plotly", ("PlotlyChart.",)),
    ("sparklines", ("Metric.", "ArrowVegaLiteChart.", "embed.", "loadVegaEmbed.", "vega-interpreter.", "expression.")),
    ("grids", ("DataFrame.", "overlay-editor.")),
]
# The rest: V8's pseudo-frames, and everything else (React, the protocol, markdown, st.html, widgets).
NATIVE = {"(program)": "native", "(garbage collector)": "gc"}
IDLE = {"(idle)", "(root)"}
BUSY_KINDS = [name for name, _ in JS_BUNDLES] + ["streamlit", "native", "gc"]
BUSY_LABELS = {"plotly": "Plotly charts", "sparklines": "tiles' sparklines (Vega)", "grids": "data grids",
               "streamlit": "other JS (React, protocol, HTML, widgets)",
               "native": "style, layout, paint (outside JS)", "gc": "garbage collection"}


CLOCK_MARK = """() => {
  function __benchClockMark(t) { while (performance.now() - t < 5) {} }
  const t = performance.now(); __benchClockMark(t); return t;
}"""


def busy_by_kind(profile: dict, clock_mark: float, window: tuple[float, float]) -> dict[str, float]:
    """ms of main-thread time per kind (BUSY_KINDS) in a CPU profile (Profiler.stop's `profile`), counting the
    samples taken within `window` (page time, ms); `clock_mark`: the page time when CLOCK_MARK's function ran."""
    nodes = {n["id"]: n for n in profile["nodes"]}
    parent = {c: n["id"] for n in profile["nodes"] for c in n.get("children", [])}
    kind_of: dict[int, str | None] = {}

    def kind(node_id: int) -> str | None:
        if node_id in kind_of:
            return kind_of[node_id]
        leaf = nodes[node_id]["callFrame"]["functionName"]
        if leaf in IDLE:
            out = None
        elif leaf in NATIVE:
            out = NATIVE[leaf]
        else:
            out, at = "streamlit", node_id
            while at is not None:
                name = nodes[at]["callFrame"].get("url", "").rsplit("/", 1)[-1]
                hit = next((k for k, prefixes in JS_BUNDLES if name.startswith(prefixes)), None)
                if hit:
                    out = hit
                    break
                at = parent.get(at)
        kind_of[node_id] = out
        return out

    out = dict.fromkeys(BUSY_KINDS, 0.0)
    samples = list(zip(profile.get("samples", []), profile.get("timeDeltas", [])))
    stamps, at = [], profile["startTime"]   # µs, the profile's clock
    for _, delta in samples:
        at += delta
        stamps.append(at)
    marked = [ts for (node_id, _), ts in zip(samples, stamps)
              if nodes[node_id]["callFrame"]["functionName"] == "__benchClockMark"]
    if not marked:
        return {k: None for k in BUSY_KINDS}
    origin = marked[0] / 1000 - clock_mark   # profile ms at page time 0
    for i, (node_id, delta) in enumerate(samples):
        page_ms = stamps[i] / 1000 - origin
        # a sample stands for the time until the next one
        span = (samples[i + 1][1] if i + 1 < len(samples) else 0) / 1000
        k = kind(node_id)
        if k and window[0] <= page_ms <= window[1]:
            out[k] += span
    return out


# What the page holds after a filter change: how many of each kind of element are drawn.
PAGE_CONTENTS = """() => ({
  dom_nodes: document.querySelectorAll('*').length,
  plotly: document.querySelectorAll('[data-testid="stPlotlyChart"]').length,
  sparklines: document.querySelectorAll('[data-testid="stMetric"] [data-testid="stVegaLiteChart"], [data-testid="stMetric"] canvas, [data-testid="stMetric"] svg.marks').length,
  grids: document.querySelectorAll('[data-testid="stDataFrame"]').length,
  html_tables: document.querySelectorAll('table.fab-table').length,
})"""


def change_filter(page, counter: Bytes, target: Target, option: str, server: Server | None = None,
                  profile: bool = False) -> dict:
    """Pick `option` in the target's filter widget; ms from the click to the re-rendered page, and bytes.
    With a server, its own time for the runs of the change (run log); with `profile`, the browser's main-thread
    time by kind (busy_by_kind: a sampling profile, which slows the page a little: not for timed changes)."""
    label = "Région"
    logged = len(server.runs_logged()) if server else 0
    cdp = None
    widget = page.locator(f'[data-testid="{target.widget}"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=label)).first
    runs, msgs = page.evaluate("[window.__stRuns, window.__wsMsgs]")
    rec0, sent0 = counter.snapshot()
    if profile:
        # Started before the list is opened: the profiler may begin sampling some time after Profiler.start,
        # and only the samples from the click on are counted (busy_by_kind's window).
        cdp = page.context.new_cdp_session(page)
        cdp.send("Profiler.enable")
        cdp.send("Profiler.setSamplingInterval", {"interval": 250})   # µs
        cdp.send("Profiler.start")
    for attempt in range(3):
        # Open the list and narrow it to the option. A click may land while the list is still being
        # re-filtered and select nothing: then no run starts, and the selection is made again.
        widget.locator("input").first.click()
        page.keyboard.press("Control+A")  # replace any text left by a previous attempt
        page.keyboard.type(option[:12])
        opt = page.get_by_role("option", name=option, exact=True).first
        try:
            opt.wait_for(state="visible", timeout=FILTER_TIMEOUT_MS)
        except Exception as e:
            raise MeasureError(f"option « {option} » not offered by the « {label} » filter") from e
        opt.click()
        try:
            page.wait_for_function("([r, m]) => window.__stRuns > r || window.__wsMsgs > m", arg=[runs, msgs],
                                   timeout=10_000, polling=25)
            break
        except Exception:
            log(f"  no run started after picking « {option} » (attempt {attempt + 1}), picking it again")
            page.keyboard.press("Escape")
    else:
        raise MeasureError(f"picking « {option} » in « {label} » started no run (3 attempts)")
    try:
        at = wait_rendered(page, target.marker, runs + 1, FILTER_TIMEOUT_MS, min_msgs=msgs + 1)
    finally:
        # The profile's clock in page time: a named function busy for 5 ms at a known page time, run just before
        # the profile stops (sure to be sampled then).
        clock_mark = page.evaluate(CLOCK_MARK) if cdp else None
        prof = cdp.send("Profiler.stop")["profile"] if cdp else None
        if cdp:
            cdp.detach()
    start, run_start, run_end, runs_now = page.evaluate(
        "[window.__lastInput, window.__runStart, window.__runEnd, window.__stRuns]")
    # from the click to the page first seen rendered (the settled check's 250 ms are left out)
    busy = busy_by_kind(prof, clock_mark, (start, at)) if prof else None
    if runs_now <= runs:  # a run too short to show in the page: no split of its time
        run_start = run_end = None
    page.wait_for_timeout(100)
    rec1, sent1 = counter.snapshot()
    page.keyboard.press("Escape")
    new_runs = server.runs_logged()[logged:] if server else []
    return {"ms": at - start, "received": rec1 - rec0, "sent": sent1 - sent0,
            # where the time went: until the server starts the run, the run itself, drawing after it
            "to_run_ms": None if run_start is None else run_start - start,
            "run_ms": None if run_start is None else run_end - run_start,
            "draw_ms": None if run_end is None else at - run_end,
            # the server's own time (every script run of the change: a page may rerun itself)
            "server_ms": sum(r["ms"] for r in new_runs) if new_runs else None, "server_runs": len(new_runs),
            "busy": busy, "contents": page.evaluate(PAGE_CONTENTS) if profile else None}


def new_context(browser):
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-FR", timezone_id="Europe/Paris")
    ctx.add_init_script(INIT_SCRIPT)
    return ctx


def rotate(items: list, r: int) -> list:
    """A different order on every run, so that machine noise does not always hit the same target."""
    k = r % len(items)
    return items[k:] + items[:k]


def bare_options(r: int) -> str:
    return f"Série {2 + r % 19}"


def record_failure(errors: list, failures_dir: Path, label: str, page, err: Exception) -> None:
    """Keep the failure (message and a screenshot) and go on with the next measurement."""
    shot = failures_dir / f"{label}.png"
    try:
        failures_dir.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
    except Exception:
        shot = None
    errors.append({"what": label, "error": f"{type(err).__name__}: {str(err).splitlines()[0][:400]}",
                   "screenshot": str(shot) if shot else None})
    log(f"  FAILED {label}: {errors[-1]['error']}")


def browser_scale(browser, db_path: Path, tmp: Path, pages: list[str], runs: int, cold_runs: int,
                  regions: list[str], failures_dir: Path) -> dict:
    from playwright.sync_api import Error as PlaywrightError
    targets = targets_for(pages)
    res = {t.name: {"cold": [], "warm": [], "filter": [], "cold_kb": [], "warm_kb": [], "filter_kb": [],
                    "filter_sent_kb": [], "filter_to_run": [], "filter_run": [], "filter_draw": [],
                    "filter_server": [], "profiled": [], **{f"busy_{k}": [] for k in BUSY_KINDS}}
           for t in targets}
    contents: dict[str, dict] = {}
    errors: dict[str, list] = {t.name: [] for t in targets}
    scale = db_path.stem.split("_x")[-1]

    # Cold: a fresh server process and a fresh browser context (empty HTTP cache): a first visit.
    for r in range(cold_runs):
        for t in rotate(targets, r):
            server = Server(t.script, db_path, tmp)
            ctx = new_context(browser)
            try:
                m = open_page(ctx, f"{server.base}/{t.path}", t.marker)
                res[t.name]["cold"].append(m["ms"])
                res[t.name]["cold_kb"].append(m["received"] / 1024)
            except (MeasureError, PlaywrightError) as e:
                record_failure(errors[t.name], failures_dir, f"x{scale}_cold{r + 1}_{t.name}",
                               ctx.pages[-1] if ctx.pages else None, e)
            finally:
                ctx.close()
                server.stop()
        log(f"  cold run {r + 1}/{cold_runs} done")

    # Warm: one server per script that has already served every page once; one browser context whose
    # HTTP cache holds Streamlit's scripts (a returning visitor), a new tab per visit. Each visit then
    # changes the filter once, to a value not used before (so the queries of that view really run).
    servers = {script: Server(script, db_path, tmp) for script in dict.fromkeys(t.script for t in targets)}
    ctx = new_context(browser)
    try:
        for t in targets:  # priming visit, not measured
            try:
                open_page(ctx, f"{servers[t.script].base}/{t.path}", t.marker)["page"].close()
            except (MeasureError, PlaywrightError) as e:
                record_failure(errors[t.name], failures_dir, f"x{scale}_priming_{t.name}", ctx.pages[-1], e)
        for r in range(runs):
            for t in rotate(targets, r):
                try:
                    m = open_page(ctx, f"{servers[t.script].base}/{t.path}", t.marker)
                except (MeasureError, PlaywrightError) as e:
                    record_failure(errors[t.name], failures_dir, f"x{scale}_warm{r + 1}_{t.name}", ctx.pages[-1], e)
                    ctx.pages[-1].close()
                    continue
                res[t.name]["warm"].append(m["ms"])
                res[t.name]["warm_kb"].append(m["received"] / 1024)
                option = bare_options(r) if t.is_bare else regions[r % len(regions)]
                server = servers[t.script]
                try:
                    c = change_filter(m["page"], m["counter"], t, option, server)
                    res[t.name]["filter"].append(c["ms"])
                    res[t.name]["filter_kb"].append(c["received"] / 1024)
                    res[t.name]["filter_sent_kb"].append(c["sent"] / 1024)
                    for k in ("to_run", "run", "draw", "server"):
                        res[t.name][f"filter_{k}"].append(c[f"{k}_ms"])
                    # Then a second change, profiled (where the browser's time goes), never timed: another
                    # option not picked before on this server (from the other end of the list).
                    option = bare_options(r + 10) if t.is_bare else regions[-(r % len(regions)) - 1]
                    c = change_filter(m["page"], m["counter"], t, option, server, profile=True)
                    res[t.name]["profiled"].append(c["ms"])
                    for k, ms in c["busy"].items():
                        res[t.name][f"busy_{k}"].append(ms)
                    contents[t.name] = c["contents"]
                except (MeasureError, PlaywrightError) as e:
                    record_failure(errors[t.name], failures_dir, f"x{scale}_filter{r + 1}_{t.name}_{option}",
                                   m["page"], e)
                m["page"].close()
            log(f"  warm run {r + 1}/{runs} done")
    finally:
        ctx.close()
        for s in servers.values():
            s.stop()
    return {name: {**{k: stats(v) for k, v in d.items()}, "contents": contents.get(name), "errors": errors[name]}
            for name, d in res.items()}


# ==================================================================== 4. server memory

def memory(browser, db_path: Path, tmp: Path, steps: list[int], regions: list[str]) -> dict:
    server = Server("app.py", db_path, tmp)
    contexts = []
    out = {"idle_mb": None, "steps": {}}
    try:
        time.sleep(1)
        out["idle_mb"] = server.rss_mb()
        target = targets_for(["vue-d-ensemble"])[1]
        for n in steps:
            while len(contexts) < n:
                ctx = new_context(browser)
                contexts.append(ctx)
                m = open_page(ctx, f"{server.base}/{target.path}", target.marker)
                change_filter(m["page"], m["counter"], target, regions[(len(contexts) - 1) % len(regions)])
            time.sleep(2)
            out["steps"][n] = server.rss_mb()
            log(f"  {n} sessions: {out['steps'][n]:.0f} MB")
    finally:
        for ctx in contexts:
            ctx.close()
        server.stop()
    first, last = steps[0], steps[-1]
    out["per_extra_session_mb"] = ((out["steps"][last] - out["steps"][first]) / (last - first)
                                   if last > first else None)
    return out


# ==================================================================== report

def ratio(a, b):
    return a / b if a is not None and b else None


def f(value, decimals: int = 0) -> str:
    """A figure for the report, or an en dash when it could not be measured."""
    return "–" if value is None else f"{value:.{decimals}f}"


def evaluate(report: dict) -> list[dict]:
    """Each target, per page and scale, with its figures and met/missed."""
    rows = []
    browser = report["browser"]
    scales = sorted(browser, key=int)
    for scale in scales:
        b = browser[scale]
        bare = b[BARE]
        for page, m in b.items():
            if page == BARE or page in PROBES:   # the map probes answer a question, they are not pages
                continue
            for kind in ("cold", "warm"):
                r = ratio(m[kind]["median"], bare[kind]["median"])
                rows.append({"target": f"page fully rendered ({kind}) <= {TARGETS['page_vs_bare']:g}x bare",
                             "scale": scale, "page": page, "value": r, "limit": TARGETS["page_vs_bare"],
                             "figures": f"{f(m[kind]['median'], 0)} ms vs bare {f(bare[kind]['median'], 0)} ms"})
            r = ratio(m["filter"]["median"], bare["filter"]["median"])
            rows.append({"target": f"filter change <= {TARGETS['filter_vs_bare']:g}x bare rerun", "scale": scale,
                         "page": page, "value": r, "limit": TARGETS["filter_vs_bare"],
                         "figures": f"{f(m['filter']['median'], 0)} ms vs bare {f(bare['filter']['median'], 0)} ms"})
            kb = m["filter_kb"]["max"]
            rows.append({"target": f"websocket per filter change <= {TARGETS['filter_kb']:g} KB", "scale": scale,
                         "page": page, "value": kb, "limit": TARGETS["filter_kb"],
                         "figures": f"max {f(kb, 0)} KB received (median {f(m['filter_kb']['median'], 0)} KB)"})
    if "1" in browser and len(scales) > 1:
        big = scales[-1]
        for page, m in browser[big].items():
            if page == BARE or page in PROBES:
                continue
            one = browser["1"][page]["filter"]["median"]
            r = ratio(m["filter"]["median"], one)
            rows.append({"target": f"filter change at {big}x <= {TARGETS['filter_growth']:g}x its time at 1x",
                         "scale": big, "page": page, "value": r, "limit": TARGETS["filter_growth"],
                         "figures": f"{f(m['filter']['median'], 0)} ms vs {f(one, 0)} ms"})
    mem = report.get("memory")
    if mem and mem.get("per_extra_session_mb") is not None:
        v = mem["per_extra_session_mb"]
        rows.append({"target": f"each extra concurrent session <= {TARGETS['session_mb']:g} MB", "scale": "1",
                     "page": "vue-d-ensemble", "value": v, "limit": TARGETS["session_mb"],
                     "figures": ", ".join(f"{n} sessions: {mb:.0f} MB" for n, mb in mem["steps"].items())})
    for row in rows:
        row["met"] = None if row["value"] is None else row["value"] <= row["limit"]
    return rows


def fmt_ms(s: dict) -> str:
    if not s or s.get("median") is None:
        return "–"
    return f"{s['median']:.0f} ({s['min']:.0f}–{s['max']:.0f})"


def fmt_x(v) -> str:
    return "–" if v is None else f"{v:.2f}x"


def markdown(report: dict) -> str:
    meta = report["meta"]
    L = [f"# Benchmark report — {meta['started']}", ""]
    L += [f"Machine: {meta['machine']}. Load average at start: {meta['loadavg_start']}, at end: "
          f"{meta['loadavg_end']}. Runs: {meta['runs']} (cold: {meta['cold_runs']}), scales: "
          f"{', '.join(str(s) + 'x' for s in meta['scales'])}{' (quick mode)' if meta['quick'] else ''}. "
          f"Demo data: " + ", ".join(f"{k}x = {v} projects" for k, v in meta["projects"].items()) +
          f". Total time: {meta['duration_s']:.0f} s.", ""]
    L += ["Times are medians in ms, with (min–max). Ratios compare medians to the bare Streamlit page "
          "(bench/bare_app.py: title, select box, Plotly chart) measured in the same run.", ""]

    L += ["## Targets", "", "| Target | Scale | Page | Value | Figures | Result |", "|---|---|---|---|---|---|"]
    for t in report["targets"]:
        unit = " KB" if "KB" in t["target"] else " MB" if "MB" in t["target"] else "x"
        v = "–" if t["value"] is None else (f"{t['value']:.2f}x" if unit == "x" else f"{t['value']:.1f}{unit}")
        L.append(f"| {t['target']} | {t['scale']}x | {t['page']} | {v} | {t['figures']} | "
                 f"{'not measured' if t['met'] is None else 'met' if t['met'] else '**missed**'} |")
    met = sum(bool(t["met"]) for t in report["targets"])
    L += ["", f"{met} of {len(report['targets'])} target checks met.", ""]

    for scale, b in report["browser"].items():
        bare = b[BARE]
        L += [f"## Browser timings at {scale}x", "",
              "Cold: fresh server process and fresh browser profile, first visit. Warm: the server already "
              "served the page, the browser has Streamlit's scripts cached, new tab. Filter change: a région "
              "picked in the sidebar (an option of the select box on the bare page), from the click to the "
              "re-rendered page.", "",
              "| Page | Cold ms | ×bare | Warm ms | ×bare | Filter change ms | ×bare |", "|---|---|---|---|---|---|---|"]
        for page, m in b.items():
            L.append(f"| {page} | {fmt_ms(m['cold'])} | {fmt_x(ratio(m['cold']['median'], bare['cold']['median']))} "
                     f"| {fmt_ms(m['warm'])} | {fmt_x(ratio(m['warm']['median'], bare['warm']['median']))} "
                     f"| {fmt_ms(m['filter'])} | {fmt_x(ratio(m['filter']['median'], bare['filter']['median']))} |")
        L += ["", "Where a filter change's time goes (medians, ms). In the timed change: from the click until the "
              "app shows its script running, the run as the browser sees it (elements streamed and drawn as they "
              "come), drawing after the run ended, and the server's own time running the script (run log, every "
              "run of the change). Then, from a second change of the same visit, profiled (Chrome's sampling "
              "profiler, which slows it: its total is given, it is not the timed figure), the browser main "
              "thread's busy time by kind: a sample counts for Plotly, the sparklines or the data grids when its "
              "stack runs through their code (layout they force included).", "",
              "| Page | Filter change | Click → run start | Run (browser) | Drawing after the run | Server script "
              "| Profiled change | " + " | ".join(BUSY_LABELS[k] for k in BUSY_KINDS) + " | Busy total | Drawn "
              "(Plotly / sparklines / grids / HTML tables / DOM nodes) |",
              "|---|" + "---|" * (7 + len(BUSY_KINDS)) + "---|"]
        for page, m in b.items():
            busy = [m[f"busy_{k}"]["median"] for k in BUSY_KINDS]
            total = None if None in busy else sum(busy)
            c = m.get("contents") or {}
            drawn = " / ".join(str(c.get(k, "–")) for k in ("plotly", "sparklines", "grids", "html_tables", "dom_nodes"))
            L.append(f"| {page} | {f(m['filter']['median'], 0)} | {f(m['filter_to_run']['median'], 0)} | "
                     f"{f(m['filter_run']['median'], 0)} | {f(m['filter_draw']['median'], 0)} | "
                     f"{f(m['filter_server']['median'], 0)} | {f(m['profiled']['median'], 0)} | "
                     + " | ".join(f(v, 0) for v in busy) + f" | {f(total, 0)} | {drawn} |")
        failed = [e for m in b.values() for e in m.get("errors", [])]
        if failed:
            L += ["", f"**{len(failed)} measurement(s) failed** (left out of the figures above):", ""]
            L += [f"- {e['what']}: {e['error']}" + (f" (screenshot: {e['screenshot']})" if e["screenshot"] else "")
                  for e in failed]
        L += ["", f"## Websocket bytes at {scale}x", "",
              "Payload bytes of the frames received from the server (KB, median and max) between the start "
              "and the end of each action; sent bytes are the browser's messages to the server.", "",
              "| Page | Cold render KB | Warm render KB | Filter change KB (max) | Filter change sent KB |",
              "|---|---|---|---|---|"]
        for page, m in b.items():
            L.append(f"| {page} | {f(m['cold_kb']['median'], 1)} | {f(m['warm_kb']['median'], 1)} | "
                     f"{f(m['filter_kb']['median'], 1)} ({f(m['filter_kb']['max'], 1)}) | {f(m['filter_sent_kb']['median'], 2)} |")
        L.append("")

    probed = {scale: {k: v for k, v in b.items() if k in PROBES} for scale, b in report["browser"].items()}
    if any(len(v) == len(PROBES) for v in probed.values()):
        L += ["## Territory map: SVG (plotly) against WebGL (pydeck)", "",
              "bench/map_probe.py draws the communes of one région (the first région the filter change picks "
              "has the most projects) as points, as the « Fiche territoire » does (plotly geo, SVG, no base "
              "map) or with pydeck (deck.gl ScatterplotLayer, WebGL, no base map), and changes région with a "
              "select box. Medians in ms (min–max), KB received; ×bare against the bare page of the same run.", "",
              "| Scale | Map | Cold ms | ×bare | Warm ms | ×bare | Région change ms | ×bare | Région change KB |",
              "|---|---|---|---|---|---|---|---|---|"]
        for scale, b in report["browser"].items():
            bare = b[BARE]
            for name, m in probed[scale].items():
                L.append(f"| {scale}x | {name} | {fmt_ms(m['cold'])} | {fmt_x(ratio(m['cold']['median'], bare['cold']['median']))} "
                         f"| {fmt_ms(m['warm'])} | {fmt_x(ratio(m['warm']['median'], bare['warm']['median']))} "
                         f"| {fmt_ms(m['filter'])} | {fmt_x(ratio(m['filter']['median'], bare['filter']['median']))} "
                         f"| {f(m['filter_kb']['median'], 1)} |")
        L.append("")

    L += ["## Growth (100x data)", ""]
    scales = sorted(report["browser"], key=int)
    if len(scales) > 1:
        big = scales[-1]
        L += [f"Medians at {big}x against 1x.", "",
              "| Page | Cold 1x → %sx | Warm 1x → %sx | Filter change 1x → %sx | Filter ratio |" % (big, big, big),
              "|---|---|---|---|---|"]
        for page in report["browser"][big]:
            a, z = report["browser"]["1"][page], report["browser"][big][page]
            cells = [f"{f(a[k]['median'], 0)} → {f(z[k]['median'], 0)}" for k in ("cold", "warm", "filter")]
            L.append(f"| {page} | " + " | ".join(cells) + f" | {fmt_x(ratio(z['filter']['median'], a['filter']['median']))} |")
    else:
        L.append("Not measured in this run (one scale only: run with --scales 1,100).")
    L.append("")

    L += ["## Query times", "", f"Every read query of queries/ through fabrique.db.run, no filter (whole period), "
          f"median of {meta['runs']} runs after one warm-up, ms (min–max).", ""]
    qs = report["queries"]
    qscales = list(qs)
    L.append("| Query | " + " | ".join(f"{s}x ms | rows" for s in qscales) +
             (f" | {qscales[-1]}x / {qscales[0]}x |" if len(qscales) > 1 else " |"))
    L.append("|---|" + "---|---|" * len(qscales) + ("---|" if len(qscales) > 1 else ""))
    first = qs[qscales[0]]
    order = sorted(first, key=lambda k: -(qs[qscales[-1]][k]["median"]))
    for label in order:
        cells = [f"{fmt_ms(qs[s][label])} | {qs[s][label]['rows']}" for s in qscales]
        extra = f" | {fmt_x(ratio(qs[qscales[-1]][label]['median'], first[label]['median']))}" if len(qscales) > 1 else ""
        L.append(f"| {label} | " + " | ".join(cells) + extra + " |")
    L.append("")

    L += ["## DuckDB against pandas", "",
          "Three of the heaviest indicators (see the query times), computed by DuckDB (fabrique.db.run: "
          "query, binding and conversion to a DataFrame) and by pandas over the same tables loaded once "
          "with duckdb .df() (loading not counted: pandas is given its data for free). ms, median (min–max).", ""]
    for scale, res in report["pandas"].items():
        L += [f"At {scale}x (tables loaded in {res['_load_tables_ms']:.0f} ms):", "",
              "| Indicator | DuckDB ms | pandas ms | pandas / DuckDB | Same result |", "|---|---|---|---|---|"]
        for label, r in res.items():
            if label.startswith("_"):
                continue
            L.append(f"| {label} | {fmt_ms(r['duckdb_ms'])} | {fmt_ms(r['pandas_ms'])} | "
                     f"{fmt_x(ratio(r['pandas_ms']['median'], r['duckdb_ms']['median']))} | "
                     f"{'yes' if r['same_result'] else '**no**'}: {r['detail']} ({r['rows']} rows) |")
        L.append("")

    mem = report["memory"]
    L += ["## Server memory", "",
          f"Resident set (VmRSS) of the Streamlit server process at 1x; each session is a browser context "
          f"that opened the overview and picked a région (a different one per session, so the shared "
          f"query cache grows too). Idle server: {mem['idle_mb']:.0f} MB.", "",
          "| Sessions | RSS MB |", "|---|---|"]
    for n, mb in mem["steps"].items():
        L.append(f"| {n} | {mb:.0f} |")
    per = mem["per_extra_session_mb"]
    L += ["", f"Per extra session: {'–' if per is None else f'{per:.1f} MB'}.", ""]
    return "\n".join(L) + "\n"


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5, help="runs per measure (median, min, max); default 5")
    ap.add_argument("--cold-runs", type=int, default=None,
                    help="cold-server runs per page (a server start each); default min(runs, 2), "
                         "which keeps the whole run near 15 minutes on two cores")
    ap.add_argument("--scales", default="1,100", help="data scales, comma-separated; default 1,100")
    ap.add_argument("--quick", action="store_true", help="tiny: 1 run, scale 1, 2 pages, sessions 1 and 2")
    ap.add_argument("--pages", default=None,
                    help="pages to time, comma-separated url paths (default: every page, and the map probes when "
                         "pydeck is installed: " + ", ".join(PROBES) + ")")
    ap.add_argument("--sessions", default=None, help="server memory steps, comma-separated; default 1,10,20")
    ap.add_argument("--out", type=Path, default=ROOT / "bench", help="report directory; default bench/")
    args = ap.parse_args(argv)

    if args.quick:
        runs, cold_runs, scales, pages, sessions = 1, 1, [1], QUICK_PAGES, [1, 2]
    else:
        runs = args.runs
        cold_runs = args.cold_runs if args.cold_runs is not None else min(args.runs, 2)
        scales = sorted({int(s) for s in args.scales.split(",") if s.strip()})
        pages, sessions = list(PAGES) + (list(PROBES) if pydeck_installed() else []), [1, 10, 20]
    if args.pages:
        pages = [p.strip() for p in args.pages.split(",") if p.strip()]
        unknown = [p for p in pages if p not in PAGES and p not in PROBES]
        if unknown:
            print(f"unknown pages: {unknown} (known: {list(PAGES) + list(PROBES)})", file=sys.stderr)
            return 2
    if args.sessions:
        sessions = [int(n) for n in args.sessions.split(",")]
    if not CHROMIUM.exists():
        print(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    report = {"meta": {
        "started": dt.datetime.now().isoformat(timespec="seconds"), "quick": args.quick, "runs": runs,
        "cold_runs": cold_runs, "scales": scales, "pages": pages, "sessions": sessions,
        "machine": f"{os.cpu_count()} CPU, {platform.python_implementation()} {platform.python_version()}, "
                   f"{platform.machine()}", "loadavg_start": loadavg(), "targets": TARGETS,
    }}

    tmp = Path(tempfile.mkdtemp(prefix="fabrique-bench-"))
    try:
        dbs = {s: build_demo(tmp, s) for s in scales}
        report["meta"]["projects"] = {str(s): len(load_tables(p, ["projects"])["projects"]) for s, p in dbs.items()}
        regions = region_names(dbs[scales[0]])

        report["queries"], report["pandas"] = {}, {}
        for s, p in dbs.items():
            log(f"query times at {s}x")
            report["queries"][str(s)] = time_queries(p, runs)
            report["pandas"][str(s)] = duckdb_vs_pandas(p, runs)

        from playwright.sync_api import sync_playwright
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                report["browser"] = {}
                for s, p in dbs.items():
                    log(f"browser timings at {s}x")
                    report["browser"][str(s)] = browser_scale(browser, p, tmp, pages, runs, cold_runs, regions,
                                                              args.out / "report_failures")  # gitignored with bench/report*
                log("server memory")
                report["memory"] = memory(browser, dbs[scales[0]], tmp, sessions, regions)
            finally:
                browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    report["targets"] = evaluate(report)
    report["meta"]["loadavg_end"] = loadavg()
    report["meta"]["duration_s"] = time.monotonic() - started
    (args.out / "report.json").write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str),
                                          encoding="utf-8")
    (args.out / "report.md").write_text(markdown(report), encoding="utf-8")
    log(f"done in {report['meta']['duration_s']:.0f} s: {args.out / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

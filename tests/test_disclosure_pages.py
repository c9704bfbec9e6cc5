"""The disclosure rule proven on what the pages show: every page walked as a partner and as the public
(FABRIQUE_PUBLIC=agrege) through the frame, collecting every table (chart data tables opened), every
chart's data (hover texts, customdata, text, marker arrays) and every download's content, then:
- no count of 1 or 2 in a table, hover or export below the département;
- no figure of a masked row;
- no project row in an export;
- an attacker who reads the other pages (département and EPCI totals) cannot pin down a masked cell.

The attacker here is written apart from fabrique.policy: linear bounds (scipy) on every masked cell from
the totals other pages show; a range under 1 means the cell is recovered."""
from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import math
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from apptest import open_page, texts
from fabrique import partners

SECRET = "secret-de-test-suffisamment-long-pour-hs256"
PERIOD = "2019-2024"
MASKS = ("< 3", "secret")
# A column of codes below the département: commune (INSEE), EPCI (SIREN), QPV, contract ids.
# (EPT of the Grand Paris: T1..T12; CRTE: crte-…; GAL: GAL-…)
SUB_DEP_CODE = re.compile(r"^(\d[\dAB]\d{3}|\d{9}|QN\w+|T\d{1,2}|crte-[\w-]+|GAL-[\w-]+)$")
NOT_COUNTS = re.compile(r"code|population|taux|part|pour 100|etp|\(etp\)|année|lon|lat|rang|siren|insee",
                        re.IGNORECASE)
SMALL_IN_TEXT = re.compile(r"(?<![\d\u202f\u00a0.,])[12]\s+(projet|création|commune|QPV)", re.IGNORECASE)


@dataclass
class Seen:
    """Everything a viewer got from one view of a page."""
    where: str
    text: str = ""
    frames: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    traces: list[tuple[str, dict]] = field(default_factory=list)
    downloads: list[tuple[str, bytes]] = field(default_factory=list)


# AppTest builds a media file manager per run and drops it after: the deferred downloads (files built on
# click) are recorded as they are registered, to be built here as a click would.
_DEFERRED: dict[str, object] = {}


@contextlib.contextmanager
def _recording_downloads():
    from streamlit.runtime.media_file_manager import MediaFileManager
    original = MediaFileManager.add_deferred

    def add_deferred(self, data_callable, *args, **kwargs):
        file_id = original(self, data_callable, *args, **kwargs)
        _DEFERRED[file_id] = data_callable
        return file_id
    MediaFileManager.add_deferred = add_deferred
    try:
        yield
    finally:
        MediaFileManager.add_deferred = original


def _deferred(file_id: str) -> bytes:
    out = _DEFERRED[file_id]()
    return out.encode("utf-8") if isinstance(out, str) else out


def walk(page: str, query: dict, staff: bool = False) -> Seen:
    with _recording_downloads():
        return _walk(page, query, staff)


def _walk(page: str, query: dict, staff: bool) -> Seen:
    at = open_page(page, query, staff=staff)
    assert not at.exception, [e.value for e in at.exception]
    boxes = [e.key for e in at.expander if e.label == "Voir les données du graphique"]
    for key in boxes:                      # open every chart's data table
        at.session_state[key] = True
    if boxes:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    seen = Seen(f"{page} {query}", texts(at))
    seen.frames = [(f"{page} tableau {i}", normalise(d.value)) for i, d in enumerate(at.dataframe)]
    seen.frames += [(f"{page} st.table {i}", normalise(t.value)) for i, t in enumerate(at.table)]
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec)["data"]:
            seen.traces.append((chart.proto.id.rsplit("-", 1)[-1], trace))
    for button in at.get("download_button"):
        if button.proto.deferred_file_id:
            seen.downloads.append((button.proto.label, _deferred(button.proto.deferred_file_id)))
    return seen


# ---------------------------------------------------------------- reading what was shown

def _is_number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) and not pd.isna(v)


def sub_department(df: pd.DataFrame) -> bool:
    """A table of territories below the département: one of its columns holds commune, EPCI, QPV or
    contract codes only."""
    for c in df.columns:
        values = [str(v) for v in df[c].dropna()]
        if values and all(SUB_DEP_CODE.match(v) for v in values) and not all(v.isdigit() and len(v) <= 3 for v in values):
            return True
    return False


def figure_columns(df: pd.DataFrame) -> list[str]:
    """Columns of figures: numbers or masks, not codes, names or coordinates."""
    out = []
    for c in df.columns:
        values = list(df[c].dropna())
        if values and all(_is_number(v) or v in MASKS for v in values) and not re.search(r"code|lon|lat", str(c), re.I):
            out.append(c)
    return out


def count_columns(df: pd.DataFrame) -> list[str]:
    return [c for c in figure_columns(df) if not NOT_COUNTS.search(str(c))
            and all(v in MASKS or float(v).is_integer() for v in df[c].dropna())]


def small_counts(df: pd.DataFrame) -> list[tuple]:
    """(column, row) of every count of 1 or 2 in a sub-département table."""
    return [(c, i) for c in count_columns(df) for i, v in df[c].items() if _is_number(v) and v in (1, 2)]


def figures_of_masked_rows(df: pd.DataFrame) -> list[tuple]:
    """(column, row) of a figure shown in a row whose main count (first count column) is masked."""
    counts = count_columns(df)
    if not counts:
        return []
    main = counts[0]
    return [(c, i) for i, v in df[main].items() if v in MASKS
            for c in figure_columns(df) if c != main and _is_number(df.at[i, c]) and df.at[i, c] != 0]


def normalise(df: pd.DataFrame) -> pd.DataFrame:
    """A table as the viewer reads it: codes as text, figures as numbers, masks as text. (A column that
    mixes masks and numbers reaches the browser as text: « 5 » and « < 3 » side by side.)"""
    df = df.copy()
    for c in df.columns:
        if not re.search(r"code|siren|identifiant|contexte", str(c), re.I):
            df[c] = df[c].astype(object).map(lambda v: v if v in MASKS else _to_number(v))
    return df


def read_csv(raw: bytes) -> pd.DataFrame:
    return normalise(pd.read_csv(io.BytesIO(raw), sep=";", dtype=str, encoding="utf-8-sig"))


def _to_number(v):
    if not isinstance(v, str):
        return v
    text = v.replace("\u202f", "").replace("\u00a0", "").replace(" ", "").replace(",", ".").removesuffix("%")
    if not re.fullmatch(r"-?\d+(\.\d+)?", text):
        return v
    return float(text)


def read_xlsx(raw: bytes) -> dict[str, pd.DataFrame]:
    sheets = pd.read_excel(io.BytesIO(raw), sheet_name=None, dtype=object)
    return {name: normalise(df) for name, df in sheets.items() if name != "contexte"}


def leaks(seen: Seen) -> list[str]:
    """What the rule forbids, found in one view."""
    found = []
    tables = list(seen.frames)
    for label, raw in seen.downloads:
        if label.endswith("(CSV)"):
            tables.append((f"téléchargement {label}", read_csv(raw)))
        elif label.endswith("(XLSX)") and "modèle" not in label.lower():
            tables += [(f"téléchargement {label} / {name}", df) for name, df in read_xlsx(raw).items()]
    for where, df in tables:
        cols = {str(c).lower() for c in df.columns}
        if any(c in ("title", "project_id") or c.startswith(("titre", "identifiant projet", "identifiant du projet"))
               for c in cols):
            found.append(f"{where}: lignes de projets ({sorted(cols)[:6]}…)")
        if sub_department(df):
            found += [f"{where}: effectif {df.at[i, c]} en {c!r} ligne {i}" for c, i in small_counts(df)]
            found += [f"{where}: chiffre {df.at[i, c]} en {c!r} d'une ligne masquée ({i})"
                      for c, i in figures_of_masked_rows(df)]
    for key, trace in seen.traces:
        if trace.get("type") != "scattergeo":
            continue                       # choropleths and bars: région, département or the perimeter
        words = []
        for k in ("text", "hovertext"):
            v = trace.get(k)
            words += v if isinstance(v, list) else [v] if isinstance(v, str) else []
        for row in trace.get("customdata") or []:
            words += [str(x) for x in (row if isinstance(row, list) else [row])]
        found += [f"{key}: survol « {w} »" for w in words if isinstance(w, str) and SMALL_IN_TEXT.search(w)]
        marker = trace.get("marker") or {}
        for k in ("size", "color"):
            if isinstance(marker.get(k), (list, dict)):
                found.append(f"{key}: marker.{k} suit un effectif par point")
    return found


# ---------------------------------------------------------------- viewers

@pytest.fixture
def link(monkeypatch, tmp_path):
    monkeypatch.setenv("FABRIQUE_PARTNER_SECRET", SECRET)
    monkeypatch.setenv("FABRIQUE_LINKS", str(tmp_path / "liens.json"))
    monkeypatch.delenv("FABRIQUE_PUBLIC", raising=False)

    def make(**perimeter):
        return partners.create_token(SECRET, expires=dt.date(2099, 12, 31), label="Test", **perimeter)
    return make


VIEWS = [("vue_ensemble.py", {}), ("parcours.py", {}),
         *[("iae_territoires.py", {"niveau": lv}) for lv in ("reg", "dep", "epci", "commune")],
         *[("couverture.py", {"famille": fam}) for fam in ("qpv", "ville", "ruralite", "leader", "pvd", "acv")],
         ("structures.py", {}), ("methode.py", {})]


def test_the_checks_see_the_leaks_of_the_staff_view(demo_db, use_db, link):
    """The scanner is not blind: the staff view (nothing masked) shows small counts below the
    département, in tables, hovers and exports, and project rows in its export."""
    use_db(demo_db)
    found = []
    for page, q in [("iae_territoires.py", {"niveau": "commune"}), ("couverture.py", {"famille": "qpv"}),
                    ("methode.py", {})]:
        found += leaks(walk(page, {"annees": PERIOD, "reg": "53", **q}, staff=True))
    assert any("iae_territoires.py" in f and "effectif" in f for f in found), found
    assert any("survol" in f for f in found), found
    assert any("téléchargement" in f and "lignes de projets" in f for f in found), found


@pytest.mark.parametrize("page,query", VIEWS, ids=[f"{p[:-3]}-{'-'.join(q.values())}" for p, q in VIEWS])
def test_partner_sees_no_small_count_below_the_departement(demo_db, use_db, link, page, query):
    use_db(demo_db)
    seen = walk(page, {"annees": PERIOD, "lien": link(regs=("53",)), **query})
    assert "Vue partenaire Test" in seen.text
    assert leaks(seen) == []


@pytest.mark.parametrize("page,query", [v for v in VIEWS if v[0] in ("iae_territoires.py", "couverture.py", "methode.py")],
                         ids=lambda v: str(v))
def test_public_sees_no_small_count_below_the_departement(demo_db, use_db, monkeypatch, page, query):
    """The public view (FABRIQUE_PUBLIC=agrege): the partner rules on the whole of France; the demo database
    opens as staff, so the public view is checked on a copy of its records imported as real data."""
    use_db(real_demo(demo_db))
    monkeypatch.setenv("FABRIQUE_PUBLIC", "agrege")
    seen = walk(page, {"annees": PERIOD, **query})
    assert "Vue publique" in seen.text
    assert leaks(seen) == []


_REAL: dict = {}


def real_demo(demo_db):
    """The demo records imported as if real (roles apply): built once per test session."""
    if "path" not in _REAL:
        from fabrique import build
        records, _, _, _ = build.read_records(demo_db)
        path = demo_db.parent / "demo_as_import.duckdb"
        build.build(records, kind="import", db_path=path, data_date="2026-10-31", archive=False)
        _REAL["path"] = path
    return _REAL["path"]


# ---------------------------------------------------------------- the attacker

def _bounds(value) -> tuple[float, float] | None:
    """What a cell says of its count: None for a number (known), else the interval of a mask."""
    if value == "< 3":
        return 1.0, 2.0
    if value == "secret":
        return 3.0, math.inf
    return None


def recovered(cells: dict, constraints: list[tuple[list, float, float]]) -> list:
    """Masked « < 3 » cells (key -> shown value) whose count the constraints pin down.

    constraints: (keys, low, high): the sum of those cells lies in [low, high] (a total shown elsewhere
    minus the visible cells it covers)."""
    masked = [k for k, v in cells.items() if v in MASKS]
    if not masked:
        return []
    index = {k: i for i, k in enumerate(masked)}
    box = [_bounds(cells[k]) for k in masked]
    a_ub, b_ub = [], []
    for keys, low, high in constraints:
        row = np.zeros(len(masked))
        for k in keys:
            if k in index:
                row[index[k]] = 1.0
        if not row.any():
            continue
        a_ub.append(row), b_ub.append(high)
        a_ub.append(-row), b_ub.append(-low)
    out = []
    for k in masked:
        if cells[k] != "< 3":
            continue
        cost = np.zeros(len(masked))
        cost[index[k]] = 1.0
        bounds = [(lo, None if math.isinf(hi) else hi) for lo, hi in box]
        lo = linprog(cost, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None, bounds=bounds, method="highs")
        hi = linprog(-cost, A_ub=np.array(a_ub) if a_ub else None, b_ub=b_ub or None, bounds=bounds, method="highs")
        if lo.status == 0 and hi.status == 0 and (-hi.fun) - lo.fun < 1 - 1e-6:
            out.append((k, lo.fun))
    return out


def test_attacker_recovers_a_naively_masked_cell():
    """The attacker finds what « < 3 » alone gives away: commune A masked, B shown 5, département total 6."""
    assert recovered({"A": "< 3", "B": 5}, [(["A"], 6 - 5, 6 - 5)]) == [("A", 1.0)]
    assert recovered({"A": "< 3", "B": "secret"}, [(["A", "B"], 6, 6)]) == []   # 1 + 5 or 2 + 4


def _table(seen: Seen, first_column: str) -> pd.DataFrame:
    return next(df for _, df in seen.frames if list(df.columns)[:2] == ["Code", first_column])


def _group_constraints(shown: pd.DataFrame, group_of: dict, totals: dict, column: str) -> list:
    """For each group (département, EPCI) whose total is shown elsewhere: its masked cells sum to the
    total minus its visible cells; a masked total bounds the sum instead."""
    out = []
    for g, total in totals.items():
        members = [c for c in shown.index if group_of.get(c) == g]
        visible = sum(v for c in members if _is_number(v := shown.at[c, column]))
        b = _bounds(total)
        low, high = (total, total) if b is None else b
        out.append(([(c, column) for c in members], low - visible, high - visible))
    return out


@pytest.mark.parametrize("viewer", ["partner", "public"])
def test_masked_iae_communes_cannot_be_recovered_from_the_other_pages(demo_db, use_db, link, monkeypatch, viewer):
    """Communes of the IAE page: what the département and EPCI levels of the same page show, and the
    number of withheld rows, leave every « < 3 » commune with at least two possible counts."""
    if viewer == "partner":
        use_db(demo_db)
        base = {"annees": PERIOD, "lien": link(regs=("53",))}
    else:
        use_db(real_demo(demo_db))
        monkeypatch.setenv("FABRIQUE_PUBLIC", "agrege")
        base = {"annees": PERIOD, "reg": "53"}
    communes = _table(walk("iae_territoires.py", {**base, "niveau": "commune"}), "Commune").set_index("Code")
    epci = _table(walk("iae_territoires.py", {**base, "niveau": "epci"}), "EPCI").set_index("Code")
    deps = _table(walk("iae_territoires.py", {**base, "niveau": "dep"}), "Département").set_index("Code")
    ref = _commune_groups(demo_db)
    # Withheld communes are unknown to the viewer: a group holding one tells nothing (the attacker is
    # granted the staff's knowledge of where they are, which makes it stronger, not weaker).
    staff = _table(walk("iae_territoires.py", {"annees": PERIOD, "reg": "53", "niveau": "commune"}, staff=True),
                   "Commune").set_index("Code")
    withheld = set(staff.index) - set(communes.index)
    # The rule had something to protect: small communes masked or withheld (with sparse data, most of
    # them cannot be shown without their count being deducible from the département and EPCI totals).
    assert (communes.map(lambda v: v in MASKS)).any().any() or withheld, "nothing to protect: proves nothing"
    found = []
    for column in count_columns(communes.reset_index()):
        cells = {(c, column): communes.at[c, column] for c in communes.index}
        constraints = []
        for level, totals in (("dep_code", deps), ("epci_siren", epci)):
            if column not in totals.columns:
                continue
            group_of = ref[level]
            blocked = {group_of[c] for c in withheld}
            known = {g: totals.at[g, column] for g in totals.index if g not in blocked}
            constraints += _group_constraints(communes, group_of, known, column)
        found += recovered(cells, constraints)
    assert found == []
    # Teeth: the same attack on the staff's commune table with « < 3 » alone on each small count.
    naive = naive_mask(staff.reset_index(), "Projets IAE").set_index("Code")
    epci_staff = _table(walk("iae_territoires.py", {"annees": PERIOD, "reg": "53", "niveau": "epci"}, staff=True),
                        "EPCI").set_index("Code")
    cells = {(c, "Projets IAE"): naive.at[c, "Projets IAE"] for c in naive.index}
    constraints = _group_constraints(naive, ref["dep_code"], {g: deps.at[g, "Projets IAE"] for g in deps.index},
                                     "Projets IAE")
    constraints += _group_constraints(naive, ref["epci_siren"],
                                      {g: epci_staff.at[g, "Projets IAE"] for g in epci_staff.index}, "Projets IAE")
    assert recovered(cells, constraints) != []


def _commune_groups(path) -> dict[str, dict[str, str]]:
    """Public knowledge: the département and EPCI of every commune (COG)."""
    import duckdb
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute("select insee_code, dep_code, epci_siren from communes").fetchall()
    con.close()
    return {"dep_code": {r[0]: r[1] for r in rows}, "epci_siren": {r[0]: r[2] for r in rows}}


def test_masked_qpv_counts_cannot_be_recovered_from_the_departement_shares(demo_db, use_db, link):
    """Couverture, QPV family: the projects of each QPV (map hover and data table) against the number of
    projects in a QPV that the same page shows for each département of the perimeter (dep filter)."""
    use_db(demo_db)
    token = link(regs=("53",))
    page = walk("couverture.py", {"annees": PERIOD, "lien": token, "famille": "qpv"})
    # The contracts' data table (its count column is named after the threshold chosen on the page).
    contracts = next(df for _, df in page.frames if {"Nom", "Code", "Département"} <= set(df.columns)
                     and count_columns(df))
    column = count_columns(contracts)[0]
    assert contracts[column].isin(MASKS).any(), "nothing masked: the test would prove nothing"
    contracts = contracts.set_index("Code")
    dep_of = {c: re.search(r"\((\w+)\)$", d).group(1) for c, d in contracts["Département"].items()}
    totals = {}
    for dep in sorted(set(dep_of.values())):
        seen = walk("couverture.py", {"annees": PERIOD, "lien": token, "famille": "qpv", "dep": dep})
        shares = [df for _, df in seen.frames if "Projets dans le zonage" in df.columns]
        if not shares:                       # « Aucun projet détecté … » : the viewer knows it is 0
            assert "Aucun projet détecté" in seen.text
            totals[dep] = 0.0
            continue
        row = shares[0][shares[0]["Zonage"].str.startswith("Quartier prioritaire")]
        totals[dep] = float(row["Projets dans le zonage"].iloc[0])
    cells = {(c, column): contracts.at[c, column] for c in contracts.index}
    constraints = _group_constraints(contracts, dep_of, totals, column)
    assert recovered(cells, constraints) == []


def naive_mask(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Primary suppression only: each 1 or 2 of `column` shown « < 3 », nothing else hidden."""
    out = df.copy()
    out[column] = out[column].astype(object).map(lambda v: "< 3" if _is_number(v) and v in (1, 2) else v)
    return out

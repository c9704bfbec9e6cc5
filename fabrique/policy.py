"""Who sees what: the role of a viewer and the disclosure rule applied to every result that leaves the
data layer (pages, hovers, data tables, exports alike). Pure: no Streamlit, no database.

Roles: staff (everything), partner (a signed link locked to a perimeter), public (optional aggregated
view of the whole of France). Partner and public are "protected":
- the filters are clamped to the perimeter (an empty choice means the whole perimeter, never France);
- project rows, titles and free text never leave the data layer (queries declaring `rows`);
- below the département (commune, EPCI, QPV, contract), no count of 1 or 2 is shown: it reads « < 3 »
  (primary suppression), and no figure of such a row is shown;
- secondary suppression: more cells are masked (« secret ») until no masked cell can be recovered from
  the totals a viewer can see elsewhere (the département, the EPCI, the whole table), by subtraction
  or by the bounds a « < 3 » gives away (see `protect`).

Each read query declares its disclosure in its header (`-- disclosure: ...`, see `Disclosure.parse`):
    aggregate                       département or higher, or no territory: nothing to mask
    reference                       public reference data per territory (population, zonings), no figure of
                                    the network's records: nothing to mask at any level
    territory main=projects_n groups=dep_code,epci_siren [level=$level] [drop=aci_n,ei_n]
                                    one row per territory below the département
    rows                            one row per project: refused to protected viewers
    aggregate keep=abandon_reason   a column named like a hidden field that is a category here, not free text
Every read query declares one (tests/test_disclosure.py): a query without it is a failing test.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace

import pandas as pd

STAFF, PARTNER, PUBLIC = "staff", "partner", "public"
SMALL = 3                      # counts 1..SMALL-1 are masked
PRIMARY = "< 3"                # a masked count of 1 or 2
SECRET = "secret"              # a cell masked so that a « < 3 » cannot be recovered (or a figure of its row)
SUB_DEPARTMENT = {"epci", "commune", "qpv", "contract"}
# Free text and names that identify a project: never shown to a protected viewer.
# hover_text: a text built in SQL that may spell a count out; pages rebuild it from the masked figures.
HIDDEN_FIELDS = ("title", "abandon_reason", "programme", "hover_text")


class Refused(Exception):
    """A protected viewer asked for rows it may not get (French message)."""


@dataclass(frozen=True)
class Disclosure:
    kind: str                                 # 'aggregate' | 'reference' | 'territory' | 'rows'
    main: str | None = None                   # the count that defines a small row
    groups: tuple[str, ...] = ()              # columns whose groups have a total visible elsewhere
    level: str | None = None                  # fixed level, or '$param' read from the params
    drop: tuple[str, ...] = ()                # breakdown columns not shown to protected viewers
    keep: tuple[str, ...] = ()                # HIDDEN_FIELDS that are categories in this result

    @classmethod
    def parse(cls, sql: str) -> "Disclosure | None":
        """The `-- disclosure:` header of a query (None when it has none)."""
        for line in sql.splitlines():
            if line.startswith("-- disclosure:"):
                words = line.removeprefix("-- disclosure:").split()
                if not words or words[0] not in ("aggregate", "reference", "territory", "rows"):
                    raise ValueError(f"disclosure inconnue : {line}")
                kw = dict(w.split("=", 1) for w in words[1:])
                return cls(kind=words[0], main=kw.get("main"),
                           groups=tuple(g for g in kw.get("groups", "").split(",") if g),
                           level=kw.get("level"), drop=tuple(d for d in kw.get("drop", "").split(",") if d),
                           keep=tuple(k for k in kw.get("keep", "").split(",") if k))
        return None

    def applies(self, params: dict) -> bool:
        """True when this result is below the département for these params."""
        if self.kind != "territory":
            return False
        level = self.level
        if level and level.startswith("$"):
            level = params.get(level[1:])
        return level is None or level in SUB_DEPARTMENT


@dataclass(frozen=True)
class Policy:
    role: str = STAFF
    perimeter: object | None = None           # partners.Perimeter of a partner link

    @property
    def protected(self) -> bool:
        return self.role in (PARTNER, PUBLIC)

    @property
    def locked(self) -> bool:
        return self.perimeter is not None

    def apply(self, disclosure: Disclosure | None, df: pd.DataFrame, params: dict, name: str = "") -> pd.DataFrame:
        """The result as this viewer may see it."""
        if not self.protected or disclosure is None:
            return df
        if disclosure.kind == "rows":
            raise Refused("Ces données détaillées (une ligne par projet) ne sont pas accessibles depuis ce lien.")
        out = df.drop(columns=[c for c in HIDDEN_FIELDS if c in df.columns and c not in disclosure.keep])
        if disclosure.applies(params):
            out = out.drop(columns=[c for c in disclosure.drop if c in out.columns])
            out = protect(out, disclosure.main, disclosure.groups)
        return out


# ---------------------------------------------------------------- suppression

def _additive(col: str) -> bool:
    return col.endswith(("_n", "_etp"))


def _figure(col: str) -> bool:
    return col.endswith(("_n", "_etp", "_pct", "_per_100k"))


def protect(df: pd.DataFrame, main: str | None, groups: tuple[str, ...] = ()) -> pd.DataFrame:
    """Primary and secondary suppression of a table of territories below the département.

    Returns the same rows and columns; masked figure cells are text (« < 3 » or « secret »), other
    figure cells keep their numbers (so columns with a mask become object dtype). Rows that cannot be
    protected (e.g. the only two rows of a group whose total is known, 1 + 1) are withheld; their number
    is in `out.attrs["hidden_rows"]`.

    The viewer is assumed to know: every visible cell; the total of every group of `groups` and of the
    whole table (shown elsewhere at a higher level); that « < 3 » means 1 or 2, that « secret » in a row
    whose main count is shown means at least 3 (a 1 or 2 would read « < 3 », a 0 is never masked), and
    that a figure of a row whose main count reads « < 3 » is at most that count. Masking goes on until,
    for every additive column (counts _n and jobs _etp), the bounds this knowledge gives leave every
    « < 3 » cell with at least two possible values; then secondary masks that turn out not to be needed
    are lifted again, so that as little as possible is hidden.
    """
    if df.empty or main is None or main not in df.columns:
        return df
    out = df.reset_index(drop=True)
    n = len(out)
    figures = [c for c in out.columns if _figure(c)]
    additive = [main] + [c for c in figures if _additive(c) and c != main]
    counts = [c for c in figures if c.endswith("_n")]
    mask: dict[str, dict[int, str]] = {c: {} for c in figures}   # column -> {row: mark}
    values = {c: pd.to_numeric(out[c], errors="coerce").fillna(0).to_numpy(dtype=float) for c in figures}
    # Primary: a small main count masks its whole row.
    small_rows = {i for i in range(n) if 0 < values[main][i] < SMALL}
    for i in small_rows:
        for c in figures:
            mask[c][i] = PRIMARY if c == main else SECRET
    # Primary: a small count in a visible row masks that cell.
    for c in counts:
        if c != main:
            for i in range(n):
                if i not in mask[c] and 0 < values[c][i] < SMALL:
                    mask[c][i] = PRIMARY
    # The groups whose total the viewer knows: every département (shown at département level) and every
    # finer group such as the EPCI (shown at its own level: even masked, « < 3 » bounds it). Without a
    # département grouping, the whole table's total (the tiles show it).
    always = {g for g in groups}
    partitions: list[tuple[str, list[int]]] = []
    for g in groups:
        if g in out.columns:
            by: dict[str, list[int]] = {}
            for i, key in enumerate(out[g].astype(str)):
                by.setdefault(key, []).append(i)
            partitions += [(g, members) for members in by.values()]
    if not {"dep_code", "reg_code"} & always:
        partitions.append(("*", list(range(n))))
    dropped: set[int] = set()

    def domain(c: str, i: int) -> tuple[float, float]:
        """What the viewer can tell of a masked cell from the marks alone."""
        if c != main and i in small_rows:          # a figure of a « < 3 » row: at most that count
            return 0.0, (SMALL - 1 if c.endswith("_n") else math.inf)
        if mask[c][i] == PRIMARY:
            return 1.0, SMALL - 1.0
        if c != main and i in mask[main]:          # a figure of a row masked as « secret »: anything
            return 0.0, math.inf
        return (SMALL if c.endswith("_n") else 0.0), math.inf

    for c in additive:
        known = [m for _, m in partitions]
        for component in _components(n, known):
            here = [m for m in known if m[0] in component]
            _suppress(c, main, figures, values[c], mask, lambda i, c=c: domain(c, i), here, dropped)
    for c in figures:
        marks = {i: m for i, m in mask[c].items() if i not in dropped}
        if marks:
            col = out[c].astype(object)
            for i, m in marks.items():
                col.iat[i] = m
            out[c] = col
    if dropped:
        out = out.drop(index=sorted(dropped)).reset_index(drop=True)
    out.attrs["hidden_rows"] = len(dropped)
    return out


def _components(n: int, groups: list[list[int]]) -> list[set[int]]:
    """Rows linked by a shared group (a département and the EPCI that cross its line): solved apart."""
    parent = list(range(n))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in groups:
        for j in members[1:]:
            parent[find(j)] = find(members[0])
    comps: dict[int, set[int]] = {}
    for i in range(n):
        comps.setdefault(find(i), set()).add(i)
    return list(comps.values())


def _suppress(c, main, figures, vals, mask, domain, groups, dropped) -> None:
    """Secondary suppression of column c within one component: mask the smallest cell next to a
    recoverable « < 3 » until none is left (withhold the rows when nothing is left to mask), then lift
    the masks that turn out not to be needed."""
    marks = mask[c]
    added: list[tuple[int, list[tuple[str, int]]]] = []   # secondary picks, with the cells they masked
    for _ in range(4 * sum(len(g) for g in groups) + 4):
        i = _recoverable(vals, marks, domain, groups, dropped)
        if i is None:
            break
        around = sorted((g for g in groups if i in g and not (set(g) & dropped)), key=len)
        pick = None
        for members in around:
            candidates = [j for j in members if j not in marks and vals[j] > 0]
            if candidates:
                pick = min(candidates, key=lambda j: (vals[j], j))
                break
        if pick is None:
            # Nothing left to mask around it: the masked rows of its smallest group are withheld.
            dropped.update(j for j in (around[0] if around else [i]) if j in marks)
            continue
        cells = [(col, pick) for col in (figures if c == main else [c]) if pick not in mask[col]]
        for col, j in cells:
            mask[col][j] = SECRET
        added.append((pick, cells))
    for pick, cells in reversed(added):          # latest first: less hidden, still nothing recoverable
        if pick in dropped:
            continue
        for col, j in cells:
            del mask[col][j]
        if _recoverable(vals, marks, domain, groups, dropped) is not None:
            for col, j in cells:
                mask[col][j] = SECRET


def _recoverable(vals, marks, domain, groups, dropped) -> int | None:
    """A « < 3 » cell whose value the viewer can pin down from the group totals it knows, else None.

    Two steps: interval propagation (cheap, finds most cases); then, for what it leaves open, the exact
    bounds of each « < 3 » cell by linear programming over its connected set of constraints. The
    constraints are partition totals (départements, EPCI: the incidence matrix of two partitions is
    totally unimodular), so the linear programme's bounds are the integer ones: a range under 1 means
    the value is determined (e.g. a commune that is the only difference between a département's masked
    cells and an EPCI's). Groups with a withheld row are unknown sums: they tell nothing."""
    masked = [i for i in marks if i not in dropped]
    if not masked:
        return None
    bounds = {i: list(domain(i)) for i in masked}
    usable = []
    for members in groups:
        if set(members) & dropped:
            continue
        cells = [i for i in members if i in bounds]
        if cells:
            usable.append((cells, sum(vals[i] for i in cells)))   # the masked sum the viewer can compute
    for _ in range(50):
        tightened = False
        for cells, rest in usable:
            for i in cells:
                lo = max(bounds[i][0], rest - sum(bounds[j][1] for j in cells if j != i))
                hi = min(bounds[i][1], rest - sum(bounds[j][0] for j in cells if j != i))
                if lo > bounds[i][0] + 1e-9 or hi < bounds[i][1] - 1e-9:
                    bounds[i] = [lo, hi]
                    tightened = True
        if not tightened:
            break
    primary = [i for i in masked if marks[i] == PRIMARY]
    for i in primary:
        if bounds[i][1] - bounds[i][0] < 1 - 1e-9:
            return i
    return _recoverable_lp(primary, bounds, usable)


def _recoverable_lp(primary, bounds, usable) -> int | None:
    import numpy as np
    from scipy.optimize import linprog

    # Connected components of cells linked by a shared constraint (usually one département each).
    parent = {i: i for i in bounds}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for cells, _ in usable:
        for j in cells[1:]:
            parent[find(j)] = find(cells[0])
    for root in {find(i) for i in primary}:
        cells = sorted(i for i in bounds if find(i) == root)
        rows = [(c, rest) for c, rest in usable if find(c[0]) == root]
        if len(rows) < 2:      # one constraint: propagation was already exact
            continue
        index = {c: k for k, c in enumerate(cells)}
        a_eq = np.zeros((len(rows), len(cells)))
        for r, (c, _) in enumerate(rows):
            a_eq[r, [index[j] for j in c]] = 1.0
        b_eq = np.array([rest for _, rest in rows])
        box = [(bounds[i][0], None if math.isinf(bounds[i][1]) else bounds[i][1]) for i in cells]
        for i in primary:
            if i not in index:
                continue
            cost = np.zeros(len(cells))
            cost[index[i]] = 1.0
            lo = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=box, method="highs")
            hi = linprog(-cost, A_eq=a_eq, b_eq=b_eq, bounds=box, method="highs")
            if lo.status == 0 and hi.status == 0 and (-hi.fun) - lo.fun < 1 - 1e-6:
                return i
    return None


def masked_rows(df: pd.DataFrame, main: str) -> pd.Series:
    """True for rows whose main count is masked (« < 3 » or « secret »)."""
    if main not in df.columns:
        return pd.Series(False, index=df.index)
    return df[main].map(lambda v: isinstance(v, str))


def clamp(f, p, opts):
    """The filters narrowed to a partner's perimeter: an empty choice means the whole perimeter."""
    if p is None:
        return f
    regs, deps, structures = f.regs, f.deps, f.structures
    if p.regs:
        regs = tuple(r for r in regs if r in p.regs) or p.regs
    if p.deps:
        regs = tuple(r for r in regs if any(opts.departments[d][1] == r for d in p.deps))
        deps = tuple(d for d in deps if d in p.deps) or p.deps
    elif p.regs:
        deps = tuple(d for d in deps if opts.departments[d][1] in regs)
    if p.structures:
        structures = tuple(s for s in structures if s in p.structures) or p.structures
    return replace(f, regs=regs, deps=deps, structures=structures)

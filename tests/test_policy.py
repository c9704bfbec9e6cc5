"""The disclosure rule (fabrique.policy): primary and secondary suppression, checked by hand on small
tables and by an attacker that enumerates every value a masked cell could take given what is visible."""
import itertools
import math
import random

import pandas as pd
import pytest

from fabrique import policy
from fabrique.policy import PRIMARY, SECRET, Disclosure, Policy, Refused, protect


def table(rows):
    return pd.DataFrame(rows, columns=["code", "dep_code", "projects_n", "creations_n", "jobs_etp",
                                       "projects_per_100k"])


def test_a_small_row_is_masked_whole_and_its_group_gets_a_secondary_cell():
    # Finistère: A 1 project, B 5, C 7 (total 13 shown at département level). A alone masked would be
    # 13 - 5 - 7 = 1: the smallest other row (B) is masked too. Viewer: A in [1, 2], B >= 3, A + B = 6:
    # A could be 1 (B 5) or 2 (B 4).
    out = protect(table([("A", "29", 1, 1, 2.0, 10.0), ("B", "29", 5, 0, 0.0, 50.0),
                         ("C", "29", 7, 4, 9.5, 70.0)]), "projects_n", ("dep_code",))
    assert out["projects_n"].tolist() == [PRIMARY, SECRET, 7]
    assert out["jobs_etp"].tolist() == [SECRET, SECRET, 9.5]
    assert out["projects_per_100k"].tolist() == [SECRET, SECRET, 70.0]
    # C's 4 creations stay; A's creation (1) is masked with its row, B's (0) too: 4 + ? + ? = C's total.
    assert out["creations_n"].tolist() == [SECRET, SECRET, 4]


def test_a_secondary_cell_too_small_to_hide_the_primary_one_withholds_the_group():
    # A 1, B 3, total 4: masked sum 4 with A in [1, 2] and B >= 3 gives A = 1. Nothing else to mask in
    # the group: both rows are withheld (they would give the count away).
    out = protect(table([("A", "29", 1, 0, 0.0, 1.0), ("B", "29", 3, 0, 0.0, 1.0),
                         ("Z", "35", 9, 0, 0.0, 1.0)]), "projects_n", ("dep_code",))
    assert out["code"].tolist() == ["Z"]
    assert out.attrs["hidden_rows"] == 2


def test_a_small_cell_in_a_visible_row_is_masked_alone():
    # B has 5 projects (shown) but 2 creations: « < 3 »; C's 4 creations become « secret » so that the
    # département's creations (A 0 + 2 + 4 = 6) do not give B's 2 back: B in [1, 2], C >= 3, sum 6.
    out = protect(table([("A", "29", 6, 0, 0.0, 1.0), ("B", "29", 5, 2, 1.0, 1.0),
                         ("C", "29", 7, 4, 2.0, 1.0)]), "projects_n", ("dep_code",))
    assert out["projects_n"].tolist() == [6, 5, 7]
    assert out["creations_n"].tolist() == [0, PRIMARY, SECRET]


def test_nothing_to_mask_leaves_the_table_as_it_is():
    rows = table([("A", "29", 3, 0, 0.0, 1.0), ("B", "29", 0, 0, 0.0, 0.0)])
    out = protect(rows, "projects_n", ("dep_code",))
    assert out["projects_n"].tolist() == [3, 0]
    assert out.attrs["hidden_rows"] == 0


def test_disclosure_header_and_policy():
    d = Disclosure.parse("-- x\n-- disclosure: territory level=$level main=projects_n groups=dep_code drop=aci_n\nselect 1")
    assert (d.kind, d.main, d.groups, d.level, d.drop) == ("territory", "projects_n", ("dep_code",), "$level", ("aci_n",))
    assert d.applies({"level": "commune"}) and not d.applies({"level": "dep"})
    rows = pd.DataFrame({"code": ["A"], "dep_code": ["29"], "projects_n": [1], "aci_n": [1], "title": ["x"]})
    staff = Policy().apply(d, rows, {"level": "commune"})
    assert staff is rows
    partner = Policy(policy.PARTNER).apply(d, rows, {"level": "commune"})
    assert list(partner.columns) == ["code", "dep_code", "projects_n"]     # breakdown and free text dropped
    public_dep = Policy(policy.PUBLIC).apply(d, rows, {"level": "dep"})
    assert public_dep["projects_n"].tolist() == [1]                          # département level: shown
    with pytest.raises(Refused):
        Policy(policy.PARTNER).apply(Disclosure("rows"), rows, {})


# ---------------------------------------------------------------- the attacker

def _domain(out, col, i, main, small_rows):
    """What the viewer can tell of a masked cell from the marks (same knowledge as the docstring)."""
    mark = out[col].iloc[i]
    if col != main and i in small_rows:
        return 0, 2 if col.endswith("_n") else None
    if mark == PRIMARY:
        return 1, 2
    if col != main and isinstance(out[main].iloc[i], str):
        return 0, None
    return 3, None


def recoverable_cells(original, out, main, groups):
    """(column, code) of every « < 3 » cell whose value the viewer can pin down, by enumeration.

    The viewer knows the visible cells, the total of every group and of the whole table (in the
    original data, withheld rows included), and the domains of the marks."""
    found = []
    codes = list(out["code"])
    orig = original.set_index("code")
    small_rows = {i for i in range(len(out)) if out[main].iloc[i] == PRIMARY}
    for col in [c for c in out.columns if c.endswith("_n")]:
        masked = [i for i in range(len(out)) if isinstance(out[col].iloc[i], str)]
        primary = [i for i in masked if out[col].iloc[i] == PRIMARY]
        if not primary:
            continue
        hidden = set(orig.index) - set(codes)
        constraints = []  # (members among masked, known masked sum) for groups without withheld rows
        partitions = [[list(orig.index)]] + [[list(g.index) for _, g in orig.groupby(k)] for k in groups]
        for part in partitions:
            for members in part:
                if hidden & set(members):
                    continue
                idx = [codes.index(m) for m in members if codes.index(m) in masked]
                if idx:
                    constraints.append((idx, int(sum(orig.loc[codes[i], col] for i in idx))))
        total = int(orig[col].sum())
        bounds = []
        for i in masked:
            lo, hi = _domain(out, col, i, main, small_rows)
            bounds.append(range(lo, min(hi if hi is not None else total, total) + 1))
        possible = {i: set() for i in primary}
        for combo in itertools.product(*bounds):
            value = dict(zip(masked, combo))
            if all(sum(value[i] for i in idx) == s for idx, s in constraints):
                for i in primary:
                    possible[i].add(value[i])
        found += [(col, codes[i]) for i in primary if len(possible[i]) < 2]
    return found


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_leave_no_recoverable_small_count(seed):
    rng = random.Random(seed)
    n = rng.randint(2, 7)
    rows = []
    for k in range(n):
        projects = rng.choice([0, 1, 1, 2, 2, 3, 4, 5, 8])
        creations = rng.randint(0, projects)
        rows.append((f"C{k}", rng.choice(["29", "35"]), projects, creations, float(creations) * 1.5,
                     projects * 10.0))
    original = table(rows)
    out = protect(original, "projects_n", ("dep_code",))
    # No visible count is 1 or 2.
    for col in ["projects_n", "creations_n"]:
        shown = [v for v in out[col] if not isinstance(v, str)]
        assert not any(0 < v < 3 for v in shown), (col, out)
    assert recoverable_cells(original, out, "projects_n", ("dep_code",)) == [], out
    # What is shown is true: visible cells equal the original ones.
    orig = original.set_index("code")
    for _, r in out.iterrows():
        for col in ["projects_n", "creations_n", "jobs_etp"]:
            if not isinstance(r[col], str):
                assert r[col] == orig.loc[r["code"], col]


def test_attacker_finds_the_leak_of_naive_masking():
    """The attacker is not blind: « < 3 » alone on one row of a département is recovered by it."""
    original = table([("A", "29", 1, 0, 0.0, 1.0), ("B", "29", 5, 0, 0.0, 1.0)])
    naive = original.astype(object)
    naive.loc[0, "projects_n"] = PRIMARY
    assert recoverable_cells(original, naive, "projects_n", ("dep_code",)) == [("projects_n", "A")]


@pytest.mark.parametrize("seed", range(60))
def test_random_tables_with_two_crossing_partitions(seed):
    """Communes grouped by département and by EPCI (an EPCI may cross a département line): both totals
    are known to the viewer; no « < 3 » can be pinned down from either."""
    rng = random.Random(1000 + seed)
    rows = []
    for k in range(rng.randint(3, 7)):
        projects = rng.choice([0, 1, 1, 2, 3, 4, 6])
        rows.append((f"C{k}", rng.choice(["29", "35"]), rng.choice(["E1", "E2", "E3"]), projects,
                     rng.randint(0, projects), 0.0, 1.0))
    original = pd.DataFrame(rows, columns=["code", "dep_code", "epci_siren", "projects_n", "creations_n",
                                           "jobs_etp", "projects_per_100k"])
    out = protect(original, "projects_n", ("dep_code", "epci_siren"))
    assert recoverable_cells(original, out, "projects_n", ("dep_code", "epci_siren")) == [], out


def test_reference_data_is_not_masked():
    """Population or zonings of communes are public reference data: shown as they are to every viewer."""
    d = Disclosure.parse("-- disclosure: reference\nselect 1")
    rows = pd.DataFrame({"insee_code": ["29232"], "population_n": [2], "qpv_n": [1]})
    out = Policy(policy.PUBLIC).apply(d, rows, {})
    assert out.to_dict("records") == [{"insee_code": "29232", "population_n": 2, "qpv_n": 1}]

"""Every read query declares who may see what (`-- disclosure:` header, fabrique.policy), and the
declaration fits what the query returns: rows per territory below the département are `territory`
(with their main count and known-total groups among the columns), project rows are `rows`."""
import re

import pytest

from fabrique import db, policy
from fabrique.filters import Filters
from fabrique.policy import Disclosure

from test_sql_files import EXTRA

QUERIES = db.query_names()
# Columns that identify a territory below the département, or a project.
SUB_DEPARTMENT_KEYS = {"insee_code", "epci_siren", "qpv_code", "contract_id", "gal_id", "crte_id"}
PROJECT_KEYS = {"project_id", "title"}
# Columns that count or sum the network's records (reference data counts communes, people, QPV…).
NETWORK_FIGURE = re.compile(r"^(projects|iae_projects|creations|structures|detections|studies|abandons|sessions|"
                            r"partners|jobs|insertion_jobs)(_|$)")


@pytest.mark.parametrize("name", QUERIES)
def test_every_read_query_declares_its_disclosure(name):
    d = Disclosure.parse(db.sql_text(name))
    assert d is not None, f"{name}: no '-- disclosure:' line (aggregate, territory … or rows)"
    assert d.kind in ("aggregate", "reference", "territory", "rows")


def test_a_query_without_disclosure_is_caught():
    assert Disclosure.parse("-- purpose\n-- grain: one row\n-- params: $a\nselect $a") is None
    with pytest.raises(ValueError):
        Disclosure.parse("-- disclosure: everything\nselect 1")


def _run(name, tiny_db, **extra):
    params = {**Filters(2019, 2023).params(), **EXTRA, **extra}
    used = db.used_params(db.sql_text(name))
    return db.run(name, {k: v for k, v in params.items() if k in used}, path=tiny_db)


DECLARED = db.query_names()


@pytest.mark.parametrize("name", DECLARED)
def test_declaration_fits_the_result(name, tiny_db):
    d = Disclosure.parse(db.sql_text(name))
    levels = ["reg", "dep", "epci", "commune"] if d.level == "$level" else [None]
    for level in levels:
        extra = {"level": level} if level else {}
        cols = set(_run(name, tiny_db, **extra).columns)
        if d.kind == "rows":
            assert cols & PROJECT_KEYS, f"{name}: declared rows, returns no project"
            continue
        assert not cols & PROJECT_KEYS, f"{name}: returns project rows, must declare rows"
        if d.kind == "aggregate":
            assert not cols & SUB_DEPARTMENT_KEYS, \
                f"{name}: one row per territory below the département ({cols & SUB_DEPARTMENT_KEYS}): territory"
        elif d.kind == "reference":
            network = {c for c in cols if NETWORK_FIGURE.match(c)}
            assert not network, f"{name}: declared reference data, returns figures of the network {network}"
        else:
            assert d.main in cols, f"{name}: main count {d.main} not returned"
            assert set(d.groups) <= cols, f"{name}: groups {d.groups} not all returned"
            # Rows of territories: each département's total is known to every viewer. (Rows of categories
            # of one territory, such as its projects by stage, have the territory's total as their group.)
            assert "dep_code" in d.groups or "dep_code" not in cols, \
                f"{name}: the département total is known to every viewer"


def test_classification_of_the_territorial_queries():
    """The queries of rows below the département, written out: a change here is a decision, not a slip."""
    found = {n: Disclosure.parse(db.sql_text(n)) for n in DECLARED}
    territorial = {n: (d.level, d.main, d.groups) for n, d in found.items() if d.kind == "territory"}
    assert territorial == {
        "coverage/contract_list": ("contract", "projects_n", ("dep_code",)),
        "iae/by_territory": ("$level", "projects_n", ("dep_code", "epci_siren")),
        "method/export_communes": ("commune", "projects_n", ("dep_code", "epci_siren")),
        # the territory sheet: the territory's own rows (a commune, an EPCI) and its communes and zones
        "territoire/commune_projects": ("commune", "projects_n", ("dep_code", "epci_siren")),
        "territoire/iae_by_siae_type": ("$niveau", "projects_n", ()),
        "territoire/network_here": ("$niveau", "projects_n", ("dep_code",)),
        "territoire/projects_by_stage": ("$niveau", "projects_n", ()),
        "territoire/structures": ("$niveau", "projects_n", ()),
        "territoire/zone_projects": ("contract", "projects_n", ()),
    }
    assert sorted(n for n, d in found.items() if d.kind == "rows") == \
        ["carnet/projects", "method/export_projects", "structures/structure_projects"]
    # iae/by_territory is protected at EPCI and commune level, not at département level and above.
    d = found["iae/by_territory"]
    assert [d.applies({"level": lv}) for lv in ("reg", "dep", "epci", "commune")] == [False, False, True, True]


def test_keep_lets_a_category_named_like_free_text_through():
    """`keep=` lets a declared category through under a free-text column name. Abandon reasons do not
    use it: since the template opened its vocabulary, a reason is text typed by a structure, and a
    partner view must not carry it (the Parcours page then shows no reason chart to partners)."""
    d = Disclosure.parse(db.sql_text("pipeline/abandons_by_reason"))
    assert d.kind == "aggregate" and d.keep == ()
    import pandas as pd
    rows = pd.DataFrame({"abandon_reason": ["besoin déjà couvert"], "abandons_n": [1], "title": ["x"]})
    kept = Disclosure("aggregate", keep=("abandon_reason",))
    assert list(policy.Policy(policy.PARTNER).apply(kept, rows, {}).columns) == ["abandon_reason", "abandons_n"]
    assert list(policy.Policy(policy.PARTNER).apply(d, rows, {}).columns) == ["abandons_n"]

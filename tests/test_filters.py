"""URL -> filters -> URL round-trips; invalid values fall back to defaults with a French notice."""
import pytest
from hypothesis import given, settings, strategies as st

from fabrique import filters
from fabrique.filters import Filters, Options

import datetime as dt

OPTS = Options(
    year_min=2010, year_max=2026, data_date=dt.date(2026, 12, 31),
    regions={"53": "Bretagne", "32": "Hauts-de-France", "04": "La Réunion"},
    departments={"29": ("Finistère", "53"), "35": ("Ille-et-Vilaine", "53"), "56": ("Morbihan", "53"),
                 "59": ("Nord", "32"), "974": ("La Réunion", "04"), "2A": ("Corse-du-Sud", "94")},
    structures={"FAI-01": "Fabrique fictive du Héron", "FAI-02": "Fabrique fictive de la Mésange"},
)


def test_default_has_empty_query():
    assert filters.to_query(filters.default(OPTS), OPTS) == {}
    assert filters.from_query({}, OPTS) == (filters.default(OPTS), [])


def test_issue_example_round_trips():
    q = {"annees": "2019-2024", "reg": "53", "dep": "29,35", "iae": "oui"}
    f, notices = filters.from_query(q, OPTS)
    assert notices == []
    assert f == Filters(2019, 2024, regs=("53",), deps=("29", "35"), iae="oui")
    assert filters.to_query(f, OPTS) == q


def test_every_key_round_trips():
    f = Filters(2021, 2021, regs=("53", "04"), deps=("974",), structures=("FAI-02",), status="appellation",
                iae="non", siae=("ACI", "EITI"), zonages=("qpv", "leader"), stages=("cree", "abandon"))
    q = filters.to_query(f, OPTS)
    assert q == {"annees": "2021", "reg": "53,04", "dep": "974", "structure": "FAI-02", "statut": "appellation",
                 "iae": "non", "siae": "ACI,EITI", "zonage": "qpv,leader", "etape": "cree,abandon"}
    assert filters.from_query(q, OPTS) == (f, [])


def test_explicit_link_writes_defaults():
    assert filters.to_query(filters.default(OPTS), OPTS, explicit=True) == {"annees": "2010-2026"}


def test_lenient_spelling():
    f, notices = filters.from_query({"dep": "2a", "siae": "aci", "zonage": "QPV", "iae": "OUI"}, OPTS)
    assert (f.deps, f.siae, f.zonages, f.iae, notices) == (("2A",), ("ACI",), ("qpv",), "oui", [])


@pytest.mark.parametrize("query, key", [
    ({"annees": "'; drop table projects; --"}, "annees"),
    ({"annees": "2030-2031"}, "annees"),
    ({"annees": "2024-2019"}, "annees"),
    ({"reg": "99"}, "reg"),
    ({"dep": "ZZ"}, "dep"),
    ({"structure": "x" * 5000}, "structure"),
    ({"statut": "<script>alert(1)</script>"}, "statut"),
    ({"iae": "peut-être"}, "iae"),
    ({"etape": "cree' or 1=1"}, "etape"),
])
def test_invalid_value_falls_back_with_notice(query, key):
    f, notices = filters.from_query(query, OPTS)
    assert f == filters.default(OPTS)
    assert len(notices) == 1 and f"« {key} »" in notices[0]
    assert len(notices[0]) < 200  # long garbage is cut in the notice


def test_department_outside_region_is_dropped_with_notice():
    f, notices = filters.from_query({"reg": "53", "dep": "29,59"}, OPTS)
    assert f.deps == ("29",)
    assert notices == ["Paramètre « dep » : valeur(s) ignorée(s) (hors des régions choisies) : « 59 ». "
                       "Les autres valeurs sont gardées."]


def test_one_unknown_code_keeps_the_others():
    f, notices = filters.from_query({"dep": "29,ZZ"}, OPTS)
    assert f.deps == ("29",)
    assert notices == ["Paramètre « dep » : valeur(s) ignorée(s) (code inconnu) : « ZZ ». Les autres valeurs "
                       "sont gardées."]


def test_retired_zoning_says_why():
    f, notices = filters.from_query({"zonage": "crte"}, OPTS)
    assert f.zonages == ()
    assert notices == ["Paramètre « zonage » ignoré (valeur retirée : les CRTE couvrent presque toutes les "
                       "communes ; utilisez « ruralite » (CRTE à dominante rurale)) : « crte ». Valeur par "
                       "défaut utilisée."]


def test_code_outside_a_partner_perimeter_is_said_so():
    from dataclasses import replace
    locked = replace(OPTS, regions={"53": "Bretagne"}, departments={k: v for k, v in OPTS.departments.items()
                                                                    if v[1] == "53"})
    f, notices = filters.from_query({"reg": "32", "dep": "59"}, locked, all_opts=OPTS, locked=True)
    assert (f.regs, f.deps) == ((), ())
    assert notices == [
        "Paramètre « reg » ignoré (hors du périmètre de ce lien) : « 32 ». Valeur par défaut utilisée.",
        "Paramètre « dep » ignoré (hors du périmètre de ce lien) : « 59 ». Valeur par défaut utilisée."]


def test_default_period_ends_with_the_last_complete_year():
    """Data at 31/10/2026: 2026 is not over, the default period ends in 2025 and 2026 is marked."""
    from dataclasses import replace
    opts = replace(OPTS, data_date=dt.date(2026, 10, 31))
    assert opts.last_complete_year == 2025
    assert filters.default(opts) == Filters(2010, 2025)
    assert filters.to_query(Filters(2010, 2026), opts) == {"annees": "2010-2026"}
    assert (opts.is_partial(2026), opts.is_partial(2025)) == (True, False)
    assert opts.year_label(2026) == "2026 (au 31/10)"
    assert filters.describe(Filters(2024, 2026), opts)[0] == ("Période", "2024 à 2026 (2026 incomplète : données au 31/10/2026)")


def test_params_are_sql_ready():
    p = Filters(2019, 2022, regs=("53",), status="experimentation", iae="oui", stages=("cree",)).params()
    assert p == {"year_from": 2019, "year_to": 2022, "regs": ["53"], "deps": None, "structure_ids": None,
                 "status": "expérimentation", "iae": True, "siae_types": None, "zonages": None, "stages": ["créé"]}


def test_describe_short():
    f = Filters(2019, 2024, regs=("53",), iae="oui")
    assert filters.describe_short(f, OPTS) == "Période : 2019 à 2024 · Région : Bretagne · Projets : IAE"


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(filters.KEYS + ["mode", "lien", "autre"]), st.text(max_size=400), max_size=6))
def test_random_urls_never_raise_and_stay_valid(query):
    """Whatever the address bar holds: no exception, a valid state, and a URL that reads back the same."""
    f, notices = filters.from_query(query, OPTS)
    assert OPTS.year_min <= f.year_from <= f.year_to <= OPTS.year_max
    assert set(f.regs) <= set(OPTS.regions) and set(f.deps) <= set(OPTS.departments)
    assert all(len(n) < 300 for n in notices)
    assert filters.from_query(filters.to_query(f, OPTS), OPTS) == (f, [])

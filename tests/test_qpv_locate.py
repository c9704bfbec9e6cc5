"""Projects placed in their QPV from their coordinates (fabrique.qpv_locate, and the build step)."""
import time

import duckdb
import numpy as np
import pandas as pd
import pytest

from fabrique import build, qpv_locate

from tiny import literal_rows, tiny_records

KERMOYSAN = (-4.12787, 47.98615)      # inside QN02902M, Quimper (a point of the shipped polygon)
QUIMPER_CENTRE = (-4.1020, 47.9960)   # Quimper, outside every QPV
LILLE_OUEST = (3.02407, 50.62855)     # inside QN05971M, Lille


def test_locate():
    lons, lats = zip(KERMOYSAN, QUIMPER_CENTRE, LILLE_OUEST, (None, None), (float("nan"), 47.0))
    assert qpv_locate.locate(lons, lats) == ["QN02902M", None, "QN05971M", None, None]
    assert qpv_locate.departement_of(lons, lats) == ["29", "29", "59", None, None]


def test_in_departement_with_the_generalised_outlines():
    # a point of Quimper is in the 29, not in the 35; a missing point has nothing to check
    assert qpv_locate.in_departement([KERMOYSAN[0], KERMOYSAN[0], None], [KERMOYSAN[1], KERMOYSAN[1], None],
                                     ["29", "35", "29"]) == [True, False, True]
    # Île-de-Sein (29083): its centroid lies 0.14° off the simplified Finistère outline; the commune's own
    # centroid makes it count as inside
    sein = (-4.85196, 48.03834)
    assert qpv_locate.in_departement([sein[0]], [sein[1]], ["29"], ["29083"]) == [True]
    assert qpv_locate.in_departement([sein[0]], [sein[1]], ["29"]) == [False]


def test_locating_a_hundred_times_the_demo_stays_fast():
    """140,000 points (about 100 times the demo's projects) in one indexed query."""
    rng = np.random.default_rng(1)
    lons, lats = rng.uniform(-5, 8, 140_000), rng.uniform(42, 51, 140_000)
    qpv_locate.locate(lons[:10], lats[:10])  # polygons read and indexed once per process
    start = time.perf_counter()
    found = qpv_locate.locate(lons, lats)
    print(f"140 000 points placed in {time.perf_counter() - start:.2f} s")
    assert len(found) == 140_000


@pytest.fixture(scope="module")
def placed_db(tmp_path_factory):
    """The tiny records with coordinates on three projects:
    P01 typed QN02902M, point in Quimper's centre (outside every QPV): the coordinates win, no QPV;
    P05 no QPV typed, point inside Kermoysan: QN02902M found;
    P06 typed QN05971M, point inside it: the same code, from the coordinates."""
    records = tiny_records()
    p = records["projects"].set_index("project_id")
    p["lon"], p["lat"] = np.nan, np.nan
    for pid, (lon, lat) in {"P01": QUIMPER_CENTRE, "P05": KERMOYSAN, "P06": LILLE_OUEST}.items():
        p.loc[pid, ["lon", "lat"]] = lon, lat
    records["projects"] = p.reset_index()
    path = tmp_path_factory.mktemp("placed") / "placed.duckdb"
    build.build(records, kind="import", db_path=path, data_date="2023-12-31", archive=False)
    return path


def test_build_places_projects_and_coordinates_win(placed_db):
    con = duckdb.connect(str(placed_db), read_only=True)
    rows = con.execute("""select project_id, qpv_code, qpv_code_typed, qpv_source, in_qpv from project_facts
                          where project_id in ('P01', 'P04', 'P05', 'P06', 'P07') order by 1""").df()
    # P04 keeps its typed code (no coordinates); P07 has neither
    assert literal_rows(rows) == [
        ("P01", None, "QN02902M", None, False),
        ("P04", "QN05604M", "QN05604M", "saisi", True),
        ("P05", "QN02902M", None, "coordonnées", True),
        ("P06", "QN05971M", "QN05971M", "coordonnées", True),
        ("P07", None, None, None, False),
    ]
    # QPV projects: the typed ones were P01, P04, P06, P08, P09 (5); P01 leaves, P05 joins: still 5
    assert con.execute("select count(*) from project_facts where in_qpv").fetchone()[0] == 5
    assert con.execute("select qpv_code from projects where project_id = 'P05'").fetchone()[0] == "QN02902M"
    con.close()


def test_rebuild_reads_the_typed_codes_back(placed_db, tmp_path):
    """A rebuild (new GAL file, new build SQL) starts from the records as typed, not from located codes."""
    records, _, _, _ = build.read_records(placed_db)
    p = records["projects"].set_index("project_id")
    assert p.loc["P01", "qpv_code"] == "QN02902M" and pd.isna(p.loc["P05", "qpv_code"])
    assert (p.loc["P05", "lon"], p.loc["P05", "lat"]) == KERMOYSAN

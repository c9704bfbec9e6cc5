"""What a simulated visitor looks at and checks: the one table to update when a label or a page changes.

Pages by their title in the navigation menu, filters by the label of their widget, figures by the
label of their tile (st.metric), each with the query and column that must give the same value,
formatted as the page formats it (fabrique.fmt). Other engineers rename keys and move widgets: as
long as the labels below stay, the load test keeps working; when one changes, change it here.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

from fabrique import db, fmt
from fabrique.filters import Filters

# Filter widgets and the button of the shared filter bar, by label.
PERIOD = "Période"
REGION = "Région"
RESET = "Réinitialiser les filtres"

# The four pages of the first protocol probe (issue « Speed and capacity »), by menu title.
PAGES = ["Vue d'ensemble", "Parcours des projets", "Projets IAE par territoire", "Couverture des contrats"]

# The footer says which data the page was drawn from: after an import it must show the new date.
DATA_DATE_PREFIX = "Données au "


@dataclass(frozen=True)
class Check:
    page: str                     # menu title
    label: str                    # tile label as displayed
    query: str                    # queries/<query>.sql
    column: str
    format: Callable              # raw value -> text as displayed
    row: tuple = ()               # (column, value) pairs that pick the row, if the query returns several
    extra: tuple = ()             # (name, value) parameters of the query beyond the filter bar's


CHECKS = [
    Check("Vue d'ensemble", "Structures du réseau", "overview/kpis", "structures_n", fmt.number,
          row=(("period", "current"),)),
    Check("Vue d'ensemble", "Créations de l'année", "overview/kpis", "creations_year_n", fmt.number,
          row=(("period", "current"),)),
    Check("Parcours des projets", "Projets détectés", "pipeline/kpis", "detections_n", fmt.number),
    Check("Projets IAE par territoire", "Projets IAE détectés", "iae/totals", "projects_n", fmt.number,
          extra=(("zoom_reg", None), ("zoom_dep", None))),
    Check("Couverture des contrats", "Quartiers prioritaires (QPV)", "coverage/contract_rates", "coverage_pct",
          fmt.percent, row=(("family", "qpv"),),
          extra=(("level", "france"), ("family", None), ("perimetre", "reseau"), ("seuil", "detection"))),
]


@lru_cache(maxsize=None)
def region_codes(path: str) -> dict[str, str]:
    """Région name (as the filter displays it) -> code."""
    rows = db.run("frame/regions", path=Path(path))
    return dict(zip(rows["reg_name"], rows["reg_code"]))


@lru_cache(maxsize=20_000)
def expected(path: str, check: Check, year_from: int, year_to: int, regs: tuple[str, ...]) -> tuple[str, bool]:
    """(value as the tile shows it, whether it is zero) from a direct query on the database at `path`.

    A page shows no tiles at all when nothing matches its filters: a missing tile is right only when the
    figure is zero.
    """
    params = {**Filters(year_from, year_to, regs=regs).params(), **dict(check.extra)}
    rows = db.run(check.query, params, path=Path(path))
    for col, value in check.row:
        rows = rows[rows[col] == value]
    value = rows.iloc[0][check.column]
    return check.format(value), bool(value == 0 or value != value)  # NaN (no denominator) counts as empty


def data_date(path: str) -> str:
    """The footer's « Données au jj/mm/aaaa » for the database at `path`."""
    rows = db.run("frame/build_info", path=Path(path))
    date = rows[(rows["section"] == "meta") & (rows["key"] == "data_date")]["value"].iloc[0]
    return DATA_DATE_PREFIX + fmt.date(date)


@lru_cache(maxsize=None)
def default_period(path: str) -> list[int]:
    """The period the filter bar comes back to after a reset: first year to the last complete year."""
    row = db.run("frame/year_range", path=Path(path)).iloc[0]
    return [int(row["year_min"]), int(row["default_year_to"])]


def page_checks(page: str) -> list[Check]:
    return [c for c in CHECKS if c.page == page]

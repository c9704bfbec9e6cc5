"""French number, percent and date formatting (`1 234`, `12,5 %`, `26/11/2026`), one place for all."""
from __future__ import annotations

import datetime as dt
import math

NBSP = "\u202f"  # narrow no-break space: the French thousands separator


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or str(x) in ("<NA>", "NaT", "nan")


def number(x, decimals: int = 0) -> str:
    """1234.5 -> '1 234,5' (narrow no-break space, decimal comma); missing -> '–'."""
    if _missing(x):
        return "–"
    s = f"{float(x):,.{decimals}f}"
    return s.replace(",", NBSP).replace(".", ",")


def percent(x, decimals: int = 1) -> str:
    """A ratio (0.125) -> '12,5 %'."""
    if _missing(x):
        return "–"
    return number(float(x) * 100, decimals) + "\u00a0%"


def date(d) -> str:
    """A date or ISO string -> '26/11/2026'."""
    if _missing(d):
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return d.strftime("%d/%m/%Y")


def datetime(d) -> str:
    if _missing(d):
        return "–"
    if isinstance(d, str):
        d = dt.datetime.fromisoformat(d)
    return d.strftime("%d/%m/%Y à %H:%M")


def by_suffix(column: str, value) -> str:
    """Format a value by its column-name suffix: _n, _pct (ratio), _etp, _months, _on (date), _year.

    Text is returned as it is (already formatted, or protected such as « < 3 »)."""
    if isinstance(value, str):
        return value
    if column.endswith("_pct"):
        return percent(value)
    if column.endswith(("_etp", "_months")):
        return number(value, 1)
    if column.endswith("_on"):
        return date(value)
    if column.endswith("_year"):
        return "–" if _missing(value) else str(int(value))
    if column.endswith(("_n", "_per_100k")):
        return number(value, 1 if column.endswith("_per_100k") else 0)
    return value


def sort_key(text) -> tuple[str, str]:
    """French alphabetical order for lists and tables: accents, case and ligatures do not decide before the
    letters (« Bécasse » before « Buse », « Île-de-France » after « Hauts-de-France »); the text itself
    breaks ties, so the order is stable."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", str(text).replace("œ", "oe").replace("Œ", "Oe")
                                   .replace("æ", "ae").replace("Æ", "Ae"))
    return "".join(c for c in folded if not unicodedata.combining(c)).casefold(), str(text)

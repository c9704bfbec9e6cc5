import datetime as dt

from fabrique import fmt


def test_french_formats():
    assert fmt.number(1234) == "1\u202f234"
    assert fmt.number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert fmt.percent(0.125) == "12,5\u00a0%"
    assert fmt.date(dt.date(2026, 11, 26)) == "26/11/2026"
    assert fmt.date("2026-11-26") == "26/11/2026"
    assert fmt.number(None) == "–" and fmt.percent(float("nan")) == "–"


def test_by_suffix():
    assert fmt.by_suffix("creations_n", 1500) == "1\u202f500"
    assert fmt.by_suffix("rate_pct", 0.5) == "50,0\u00a0%"
    assert fmt.by_suffix("jobs_etp", 2.26) == "2,3"
    assert fmt.by_suffix("created_on", dt.date(2021, 1, 5)) == "05/01/2021"
    assert fmt.by_suffix("joined_year", 2015) == "2015"
    assert fmt.by_suffix("name", "Quimper") == "Quimper"

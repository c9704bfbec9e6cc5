"""What the browser shows, checked without a browser: French order, the complete HTML copy of a table (paper,
meeting mode), the changes shown on tiles, the print marks, charts adapted to a meeting room or a phone, the
test-only failure switch. Expected values are written out by hand."""
import math
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from fabrique import charts, config, fmt, ui
from fabrique.filters import Filters, Options
from fabrique.partners import Perimeter

NNBSP, NBSP = "\u202f", "\u00a0"


def test_french_order():
    words = ["Buse", "Zèbre", "Île-de-France", "bécasse", "Hauts-de-France", "Ordre", "Œillet", "Bécasse", "Oeuf"]
    # Accents, case and ligatures do not decide before the letters: bécasse < buse, hauts < ile < oeillet
    # (œ = oe) < oeuf < ordre; equal letters are ordered by the text itself (B before b).
    assert sorted(words, key=fmt.sort_key) == ["Bécasse", "bécasse", "Buse", "Hauts-de-France", "Île-de-France",
                                               "Œillet", "Oeuf", "Ordre", "Zèbre"]


def test_html_table_is_complete_formatted_and_safe():
    df = pd.DataFrame({"name": ["Bécasse <b>", "Buse"], "projects_n": [1234, np.nan], "share_pct": [0.125, 0.5],
                       "jobs_etp": [2.5, 0.0], "is_present": [True, False],
                       "fiche_url": ["https://exemple.fr/territoire?niveau=dep&code=29", "/territoire?code=35"]})
    labels = {"name": "Nom", "projects_n": "Projets", "share_pct": "Part", "jobs_etp": "Emplois (ETP)",
              "is_present": "Présent", "fiche_url": "Fiche territoire"}
    assert ui.html_table(df, labels) == (
        '<table class="fab-table"><thead><tr><th scope="col">Nom</th><th scope="col" class="num">Projets</th>'
        '<th scope="col" class="num">Part</th><th scope="col" class="num">Emplois (ETP)</th>'
        '<th scope="col">Présent</th></tr></thead><tbody>'
        # 1234 -> « 1 234 » (narrow no-break space), 0.125 -> « 12,5 % », the name escaped
        # (end tags of cells and rows are optional in HTML, and left out)
        f'<tr><td>Bécasse &lt;b&gt;<td class="num">1{NNBSP}234<td class="num">12,5{NBSP}%'
        '<td class="num">2,5<td>oui'
        # a missing count reads « – »; the link column (addresses) is left out
        f'<tr><td>Buse<td class="num">–<td class="num">50,0{NBSP}%<td class="num">0,0'
        '<td>non</tbody></table>')


def test_html_table_masked_counts_and_wide_tables():
    # A partner's count masked « < 3 » stays text, right-aligned with the figures.
    df = pd.DataFrame({"name": ["Quimper", "Brest"], "projects_n": ["< 3", 12]})
    assert '<td class="num">&lt; 3<' in ui.html_table(df, {"name": "Commune", "projects_n": "Projets"})
    wide = pd.DataFrame({f"c{i}_n": [i] for i in range(10)})
    assert ui.html_table(wide, {c: c for c in wide.columns}).startswith('<table class="fab-table wide">')
    assert ui.html_table(wide.iloc[:, :9], {c: c for c in list(wide.columns)[:9]}).startswith(
        '<table class="fab-table">')


def test_compare_names_the_period_and_shows_no_arrow_on_zero():
    assert ui.compare(12, 10, against="la période 2013-2018") == {
        "delta": f"+2 (+20,0{NBSP}%)", "delta_description": "par rapport à la période 2013-2018"}
    assert ui.compare(8, 10, against="2018") == {
        "delta": f"-2 (-20,0{NBSP}%)", "delta_description": "par rapport à 2018"}
    assert ui.compare(5, 5, against="2018") == {
        "delta": f"0 (0,0{NBSP}%)", "delta_description": "par rapport à 2018", "delta_color": "off",
        "delta_arrow": "off"}
    assert ui.compare(0, 0) is None and ui.compare(3, None) is None and ui.compare(3, math.nan) is None


def test_period_words():
    assert Filters(2022, 2022).during == "en 2022"
    assert Filters(2019, 2024).during == "de 2019 à 2024"


def _ctx(demo=True, perimeter=None):
    opts = Options(2010, 2026, {"53": "Bretagne", "11": "Île-de-France"}, {"29": ("Finistère", "53")},
                   {"FAI-01": "Fabrique fictive du Héron"}, data_date=pd.Timestamp("2026-10-31").date())
    return SimpleNamespace(chosen=Filters(2019, 2024, regs=("53",)), options=opts, all_options=opts, demo=demo,
                           page=SimpleNamespace(title="Couverture des contrats"),
                           policy=SimpleNamespace(locked=perimeter is not None, perimeter=perimeter))


def test_print_marks_on_every_sheet():
    assert ui.print_marks(_ctx()) == {
        "top-left": "Fabrique à initiatives · Couverture des contrats",
        "top-right": "DONNÉES FICTIVES (jeu de démonstration)",
        "bottom-left": "Filtres : Période : 2019 à 2024 · Région : Bretagne",
        "bottom-right": "Données au 31/10/2026",
    }
    partner = ui.print_marks(_ctx(demo=False, perimeter=Perimeter(regs=("53",))))
    assert partner["top-right"] == ""   # imported data: no fictitious mark
    assert partner["bottom-left"].endswith(" · périmètre du lien : Région : Bretagne")


def test_css_strings_cannot_close_the_style_element():
    assert ui._css_string('Fabrique "du" \\ <Héron>\n</style>') == \
        '"Fabrique \\"du\\" \\\\ \\3c Héron\\3e  \\3c /style\\3e "'


def _map(title="Projets détectés de 2019 à 2024 par région, et sièges des structures (statut en 2024)"):
    df = pd.DataFrame({"code": ["53", "11"], "n": [3.0, 8.0], "name": ["Bretagne", "Île-de-France"]})
    return charts.choropleth(df, level="region", code="code", value="n", name="Projets", title=title,
                             hover_name="name")


def test_a_plain_screen_gets_the_figure_unchanged_and_no_tool_bar():
    fig = _map()
    before = fig.to_json()
    assert charts.adapt(fig) is fig and fig.to_json() == before
    assert charts.CONFIG["displayModeBar"] is False and charts.CONFIG["scrollZoom"] is False
    # No panning: a map's dragmode is inert on a map (see map_figure), other charts have none.
    assert fig.layout.dragmode == "orbit"
    assert charts.bars(pd.DataFrame({"x": [1], "y_n": [2]}), "x", "y_n", title="t", labels={}).layout.dragmode is False


def test_a_phone_gets_a_wrapped_title_a_map_as_tall_as_wide_and_the_colour_bar_below():
    fig = charts.adapt(_map(), phone=True)
    lines = fig.layout.title.text.split("<br>")
    assert lines == ["Projets détectés de 2019 à 2024 par", "région, et sièges des structures (statut",
                     "en 2024)"]   # 40 characters a line at most, words whole
    # 3 title lines: 10 + round(3 × 16 × 1.25) = 70 px; no point layer (no legend); map 300; colour bar 60.
    assert fig.layout.height == 70 + 300 + 60
    bar = fig.data[-1].colorbar
    assert (bar.orientation, bar.yref, bar.y, bar.yanchor) == ("h", "container", 0, "bottom")
    assert fig.layout.margin.b == 70


def test_a_phone_wraps_long_category_labels_and_makes_room_for_them():
    df = pd.DataFrame({"zone": ["Commune sous contrat de ville (EPCI, EPT ou Paris comptant un QPV)", "Rural"],
                       "share_pct": [0.4, 0.2]})
    fig = charts.adapt(charts.rate_bars(df, "zone", "share_pct", title="Part", labels={}, height=360), phone=True)
    assert list(fig.layout.yaxis.ticktext) == ["Commune sous contrat de<br>ville (EPCI, EPT ou<br>Paris comptant un QPV)",
                                               "Rural"]
    assert fig.layout.height == 360   # 2 bars of 3 lines: 10 + 20 + 16 + 2 × (3 × 15 + 12) + 50 = 210 < 360


def test_meeting_mode_enlarges_every_text_of_a_chart():
    fig = charts.adapt(charts.bars(pd.DataFrame({"year": [2023, 2024], "a_n": [1, 2], "b_n": [3, 4]}), "year",
                                   ["a_n", "b_n"], title="Structures", labels={}), meeting=True)
    assert fig.layout.font.size == 18 and fig.layout.title.font.size == 22
    assert fig.layout.xaxis.tickfont.size == 18 and fig.layout.yaxis.tickfont.size == 18
    assert fig.layout.legend.font.size == 18
    assert fig.layout.height == round(380 * 1.15)
    # The legend sits under the title: 10 + round(22 × 1.25) = 38 px from the top, + 2.
    assert fig.layout.legend.y == pytest.approx(1 - 40 / 437)


def test_rate_maps_are_coloured_on_0_to_100():
    df = pd.DataFrame({"code": ["53"], "rate_pct": [0.486], "num_n": [17], "den_n": [35], "name": ["Bretagne"]})
    fig = charts.rate_choropleth(df, level="region", code="code", rate="rate_pct", numerator="num_n",
                                 denominator="den_n", name="Taux", title="t", hover_name="name")
    trace = next(t for t in fig.data if t.type == "choropleth")
    assert (trace.zmin, trace.zmax) == (0, 100)


def test_failure_switch(monkeypatch):
    monkeypatch.delenv("FABRIQUE_TEST_FAILURE", raising=False)
    assert config.test_failures() == set()
    monkeypatch.setenv("FABRIQUE_TEST_FAILURE", " couverture, rappel ,")
    assert config.test_failures() == {"couverture", "rappel"}

"""Accessibility: axe-core on every page; no serious or critical violation caused by our content.

Violations that come from Streamlit's own widgets (not from anything the project writes) are listed in
STREAMLIT_OWN with the reason, and reported rather than failed.
"""
import pytest
from st_browser import PAGES, goto

pytestmark = pytest.mark.browser

# rule id -> (a test on the node's selector/html that recognises Streamlit's own markup, why it is not ours)
STREAMLIT_OWN = {
    "svg-img-alt": (lambda target, html: "metric_chart_" in target,
                    "st.metric sparkline (chart_data): Streamlit draws it with Vega and gives its SVG marks an "
                    "image role without a text alternative; the figure and its trend are in the tile's text "
                    "and in each chart's data table"),
}


def _run_axe(page, source: str) -> list[dict]:
    page.add_script_tag(content=source)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html.slice(0, 200),
                                      impact: n.impact, summary: n.failureSummary}))}));
    }""")


@pytest.mark.parametrize("url_path", list(PAGES))
def test_no_serious_accessibility_violation(page, app_url, axe_source, url_path):
    goto(page, f"{app_url}/{url_path}?annees=2019-2024")
    ours, theirs = [], []
    for v in _run_axe(page, axe_source):
        for n in v["nodes"]:
            if (n["impact"] or v["impact"]) not in ("serious", "critical"):
                continue
            known = STREAMLIT_OWN.get(v["id"])
            (theirs if known and known[0](n["target"], n["html"]) else ours).append(
                f'{v["id"]} ({v["help"]}): {n["target"]}\n    {n["html"]}\n    {n["summary"]}')
    if theirs:
        print(f"Streamlit's own ({url_path}):\n" + "\n".join(theirs))
    assert ours == [], "\n".join(ours)

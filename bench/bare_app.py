"""Reference page for the benchmark: the least a Streamlit page with a filter and a chart costs.

One title, one select box, one Plotly chart (the dashboard's chart library) that follows the select box,
and a closing caption that tells the benchmark the page got to its end. Served by bench/run.py with
the same .streamlit/config.toml as the dashboard, so that every dashboard figure can be read as a ratio.
Its runs are timed by the dashboard's run log (FABRIQUE_RUN_LOG), as the dashboard's pages are.
"""
import sys
import time
from pathlib import Path

_started = time.perf_counter()

import numpy as np
import plotly.graph_objects as go
import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from fabrique import runlog  # noqa: E402

SERIES = [f"Série {i}" for i in range(1, 21)]
END_MARKER = "Fin de la page de référence"

with runlog.timed("bare", _started):
    st.title("Page de référence", anchor=False)
    choice = st.selectbox("Région", SERIES, key="serie")
    rng = np.random.default_rng(SERIES.index(choice))
    years = list(range(2010, 2027))
    fig = go.Figure(go.Bar(x=years, y=rng.integers(10, 100, len(years)), name=choice))
    fig.update_layout(title=f"Valeurs par an ({choice})", height=360, margin={"l": 40, "r": 10, "t": 50, "b": 40})
    st.plotly_chart(fig, use_container_width=True, key="chart")
    st.caption(END_MARKER + ".")

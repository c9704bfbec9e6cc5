"""Benchmark probe for the territory map question (issue 12): is a zoomable WebGL map (pydeck) worth its cost
against the SVG map the « Fiche territoire » draws (plotly geo: fabrique.charts.territory_map)?

The communes of one région as points, drawn either way from the same rows (territoire/communes_map), one
select box « Région » to change the région (the benchmark's filter change), and a closing caption that tells
the benchmark the page got to its end. ?moteur=pydeck draws with pydeck (deck.gl ScatterplotLayer, no base
map: a tiled base map would fetch from the internet, which the app never does); anything else with plotly.
pydeck is not a dependency of the app: the benchmark runs this probe only when it is installed
(pip install pydeck==0.9.3).
"""
import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from fabrique import charts, db, geo, territory  # noqa: E402

END_MARKER = "Fin de la sonde carte"
FAMILY_COLOURS = {"qpv": [213, 94, 0], "frr": [0, 158, 115], "pvd": [230, 159, 0], "acv": [204, 121, 167]}

st.set_page_config(layout="wide")
engine = "pydeck" if st.query_params.get("moteur") == "pydeck" else "plotly"


@st.cache_data(show_spinner=False)
def regions():
    r = db.run("frame/regions")
    return dict(zip(r["reg_name"], r["reg_code"]))


@st.cache_data(show_spinner=False, max_entries=20)
def communes(reg_code: str):
    rows = db.run("territoire/communes_map", {"niveau": "reg", "code": reg_code})
    rows = rows.assign(projects_n=0, projects_n_label="0", qpv_projects_n=0, creations_n=0)
    return geo.to_map(territory.map_points(rows))


names = regions()
st.title(f"Sonde carte ({engine})", anchor=False)
# The first view draws Bretagne under an option the benchmark never picks, so that every pick starts a run.
START = "Bretagne (au départ)"
choice = st.selectbox("Région", [START, *names], key="region")
choice = "Bretagne" if choice == START else choice
points = communes(names[choice])
families = {f: label for f, label in territory.MAP_FAMILIES.items() if points[f"in_{f}"].any()}
if engine == "pydeck":
    import pydeck as pdk

    colour = [[160, 160, 160]] * len(points)
    for family, rgb in FAMILY_COLOURS.items():
        colour = [rgb if flag else c for flag, c in zip(points[f"in_{family}"], colour)]
    data = points[["lon", "lat", "hover"]].assign(colour=colour)
    view = pdk.ViewState(longitude=float(data["lon"].mean()), latitude=float(data["lat"].mean()), zoom=6.5)
    layer = pdk.Layer("ScatterplotLayer", data, get_position=["lon", "lat"], get_fill_color="colour",
                      get_radius=900, radius_min_pixels=2, pickable=True)
    st.pydeck_chart(pdk.Deck(layers=[layer], initial_view_state=view, map_style=None,
                             tooltip={"text": "{hover}"}), height=560, key="map")
else:
    fig = charts.territory_map(points, families=families, title=f"{choice} : communes et zonages", height=560)
    st.plotly_chart(fig, config=charts.CONFIG, width="stretch", key="map")
st.caption(f"{len(points)} communes. {END_MARKER}.")

"""Frame of the dashboard: page config, demo banner, the shared filter bar, navigation over pages/."""
import streamlit as st

from fabrique import config, geo, ui

PAGES = [
    st.Page("pages/vue_ensemble.py", title="Vue d'ensemble", icon=":material/dashboard:", url_path="vue-d-ensemble", default=True),
    st.Page("pages/parcours.py", title="Parcours des projets", icon=":material/route:", url_path="parcours"),
    st.Page("pages/iae_territoires.py", title="Projets IAE par territoire", icon=":material/map:", url_path="iae-territoires"),
    st.Page("pages/couverture.py", title="Couverture des contrats", icon=":material/handshake:", url_path="couverture"),
    st.Page("pages/structures.py", title="Structures du réseau", icon=":material/apartment:", url_path="structures"),
    st.Page("pages/methode.py", title="Méthode et données", icon=":material/menu_book:", url_path="methode"),
]

reunion = ui.meeting_mode()
st.set_page_config(
    page_title="Fabrique à initiatives · indicateurs",
    page_icon=":material/hub:",
    layout="wide",
    initial_sidebar_state="collapsed" if reunion else "expanded",
    menu_items={"About": "Tableau de bord des indicateurs du réseau Fabrique à initiatives (Avise)."},
)

if not config.db_path().exists():
    st.error(f"Base de données introuvable ({config.db_path().name}). "
             "Construisez-la avec « make run » ou « python -m fabrique ensure ».")
    st.stop()
geo.write_static()

page = st.navigation(PAGES)
ui.style(reunion)
ui.demo_banner()
filters_state = ui.filter_bar(page.url_path)
with st.sidebar if not reunion else st.container():
    ui.copy_link(filters_state)
    ui.meeting_toggle()
page.run()

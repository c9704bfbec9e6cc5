"""Frame of the dashboard: page config, demo banner, the shared filter bar, navigation over pages/."""
import time

import streamlit as st

from fabrique import config, geo, runlog, ui

STARTED = time.perf_counter()

PAGES = [
    # The default page is served at "/"; its own url_path is only reserved, so it gets a neutral one and
    # "/vue-d-ensemble" (a natural link to type) is a hidden alias running the same file (ALIASES).
    st.Page("pages/vue_ensemble.py", title="Vue d'ensemble", icon=":material/dashboard:", url_path="accueil", default=True),
    st.Page("pages/parcours.py", title="Parcours des projets", icon=":material/route:", url_path="parcours"),
    st.Page("pages/iae_territoires.py", title="Projets IAE par territoire", icon=":material/map:", url_path="iae-territoires"),
    st.Page("pages/couverture.py", title="Couverture des contrats", icon=":material/handshake:", url_path="couverture"),
    st.Page("pages/structures.py", title="Structures du réseau", icon=":material/apartment:", url_path="structures"),
    st.Page("pages/methode.py", title="Méthode et données", icon=":material/menu_book:", url_path="methode"),
]

ALIASES = [st.Page("pages/vue_ensemble.py", title="Vue d'ensemble", url_path="vue-d-ensemble", visibility="hidden")]
# Favicon drawn inline: a ":material/...:" favicon is fetched from a font CDN, and the app must not call out.
FAVICON = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><g fill="#0072B2">'
           '<circle cx="12" cy="12" r="4"/><circle cx="12" cy="3.5" r="2.5"/><circle cx="4.5" cy="18" r="2.5"/>'
           '<circle cx="19.5" cy="18" r="2.5"/></g><g stroke="#0072B2" stroke-width="1.6">'
           '<line x1="12" y1="12" x2="12" y2="3.5"/><line x1="12" y1="12" x2="4.5" y2="18"/>'
           '<line x1="12" y1="12" x2="19.5" y2="18"/></g></svg>')

reunion = ui.meeting_mode()
st.set_page_config(
    page_title="Fabrique à initiatives · indicateurs",
    page_icon=FAVICON,
    layout="wide",
    initial_sidebar_state="collapsed" if reunion else "auto",  # auto: open on desktop, closed on a phone
    menu_items={"About": "Tableau de bord des indicateurs du réseau Fabrique à initiatives (Avise)."},
)

if not config.db_path().exists():
    st.error(f"Base de données introuvable ({config.db_path().name}). "
             "Construisez-la avec « make run » ou « python -m fabrique ensure ».")
    st.stop()
geo.write_static()

perimeter = ui.partner_gate()  # refusal page and stop for a bad partner link
# The import screen is for Avise staff: partners never see it.
ADMIN = [] if perimeter else [st.Page("pages/admin_import.py", title="Importer des données",
                                      icon=":material/upload_file:", url_path="importer")]
page = st.navigation(PAGES + ADMIN + ALIASES)
ui.style(reunion)
ui.demo_banner()
if perimeter:
    ui.partner_banner(perimeter)
filters_state = ui.filter_bar(page.url_path, perimeter)
with st.sidebar if not reunion else st.container():
    ui.copy_link(filters_state)
    ui.meeting_toggle()
with runlog.timed(page.url_path, STARTED):
    page.run()

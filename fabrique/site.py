"""The pages of the dashboard, declared once: file, title, address, who may open it, and the view keys
each keeps in the URL (besides the shared filters). app.py, the browser tests and the benchmark read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from . import vocab
from .state import Env, Key, Spec

STAFF, PARTNER, PUBLIC = "staff", "partner", "public"


@dataclass(frozen=True)
class Page:
    file: str                      # path under the project root
    title: str                     # page title (h1 and browser tab)
    url_path: str                  # address: /<url_path>
    icon: str
    roles: tuple[str, ...] = (STAFF, PARTNER, PUBLIC)
    view: Spec | None = None       # view keys of the page, besides the filters
    # Old URL keys of this page: key -> function(raw, filter values) -> (filter changes, notice or None)
    legacy: Mapping[str, Callable] = field(default_factory=dict)
    default: bool = False
    in_menu: bool = True


# ---------------------------------------------------------------- view keys

def _regions_in_filters(env: Env) -> list[str]:
    regs = env.values.get("reg") or ()
    deps = env.values.get("dep") or ()
    opts = env.opts
    return [r for r in opts.regions if (not regs or r in regs)
            and (not deps or any(opts.departments[d][1] == r for d in deps))]


LEVELS = vocab.LEVELS.as_dict()

IAE_VIEW = Spec("iae", [
    # None: the level follows the filters (régions for France, départements inside one région…).
    Key("niveau", "one", choices=lambda env: LEVELS, default=None),
    Key("indicateur", "one", choices=lambda env: {"projets": "Nombre de projets",
                                                  "taux": "Projets pour 100 000 habitants"},
        default="projets"),
])

COVERAGE_VIEW = Spec("couverture", [
    Key("famille", "one", choices=lambda env: vocab.CONTRACT_FAMILIES.as_dict(), default="qpv",
        retired={"crte": "les CRTE couvrent presque toute la France ; famille « ruralite » : CRTE à "
                         "dominante rurale"}),
    # None: régions, or the départements of the one région the filters retain (pages/couverture.py).
    Key("niveau", "one", choices=lambda env: {"reg": "Région", "dep": "Département"}, default=None),
    Key("perimetre", "one", choices=lambda env: vocab.PERIMETERS.as_dict(), default="reseau"),
    Key("seuil", "one", choices=lambda env: vocab.COVERAGE_THRESHOLDS.as_dict(), default="detection"),
])


def _structures_shown(env: Env) -> Mapping[str, str]:
    if env.load is None:
        return dict(env.opts.structures)
    rows = env.load("structures/structure_list")
    return dict(zip(rows["structure_id"], rows["name"]))


STRUCTURES_VIEW = Spec("structures", [
    Key("fiche", "one", choices=_structures_shown, default=None, normalise=str.upper,
        known=lambda env: (env.all_opts or env.opts).structures,
        outside="structure hors des filtres choisis"),
])

FRAME = Spec("cadre", [
    Key("mode", "one", choices=lambda env: {"reunion": "Mode réunion"}, default=None),
])


def _zoom_to_filter(key: str):
    """Old drill-down keys (zoom_reg, zoom_dep, zone) are now the shared filters."""
    def convert(raw: str, level: str | None = None) -> tuple[str, str]:
        target = {"zoom_reg": "reg", "zoom_dep": "dep"}.get(key) or ("dep" if level == "dep" else "reg")
        return target, raw.strip().upper() if target == "dep" else raw.strip()
    return convert


PAGES = [
    Page("pages/vue_ensemble.py", "Vue d'ensemble", "accueil", ":material/dashboard:", default=True),
    Page("pages/parcours.py", "Parcours des projets", "parcours", ":material/route:"),
    Page("pages/iae_territoires.py", "Projets IAE par territoire", "iae-territoires", ":material/map:",
         view=IAE_VIEW, legacy={"zoom_reg": _zoom_to_filter("zoom_reg"), "zoom_dep": _zoom_to_filter("zoom_dep")}),
    Page("pages/couverture.py", "Couverture des contrats", "couverture", ":material/handshake:",
         view=COVERAGE_VIEW, legacy={"zone": _zoom_to_filter("zone")}),
    Page("pages/structures.py", "Structures du réseau", "structures", ":material/apartment:", view=STRUCTURES_VIEW),
    Page("pages/methode.py", "Méthode et données", "methode", ":material/menu_book:"),
    Page("pages/admin_import.py", "Importer des données", "importer", ":material/upload_file:", roles=(STAFF,)),
]
# "/vue-d-ensemble" (a natural link to type) runs the default page too.
ALIASES = {"vue-d-ensemble": "accueil"}


def page(url_path: str) -> Page:
    url_path = ALIASES.get(url_path, url_path)
    for p in PAGES:
        if p.url_path == url_path:
            return p
    raise KeyError(url_path)


def pages_for(role: str) -> list[Page]:
    return [p for p in PAGES if role in p.roles]

"""The pages of the dashboard, declared once: file, title, address, who may open it, and the view keys
each keeps in the URL (besides the shared filters). app.py, the browser tests and the benchmark read it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator, Mapping

from . import territory, vocab
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

class Lookup(Mapping):
    """Allowed codes checked one at a time, never listed (36,000 territory codes): `code in lookup` runs
    the check; the frame only ever asks whether a code is allowed."""

    def __init__(self, check: Callable[[str], bool]):
        self._check = check

    def __contains__(self, code) -> bool:
        return isinstance(code, str) and bool(self._check(code))

    def __getitem__(self, code: str) -> str:
        if code in self:
            return code
        raise KeyError(code)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _territory(env: Env, code: str, level: str | None = None):
    """The territory (level, code) as a territory.Choice, None when it does not exist (read from the data)."""
    level = level or env.values.get("niveau")
    if env.load is None or level not in vocab.LEVELS:
        return None
    choice, _ = territory.parse_choice(level, code, run=lambda name, params: env.load(name, **params))
    return choice


def perimeter_departments(env: Env) -> set[str] | None:
    """The départements a partner link covers (None: not locked): those of its régions or départements, or
    for a link on structures the départements those structures cover."""
    if not env.locked:
        return None
    every = (env.all_opts or env.opts).departments
    deps = set(env.opts.departments)
    if len(deps) == len(every) and env.load is not None:    # locked on structures only
        deps = set(env.load("structures/territory_departments")["dep_code"])
    return deps


def perimeter_home(env: Env) -> dict[str, str] | None:
    """The sheet a partner link opens on: its one région or its one département (None: several, or staff)."""
    if not env.locked:
        return None
    deps = list(env.opts.departments)
    regs = list(env.opts.regions)
    whole = env.all_opts or env.opts
    if len(deps) == 1:
        return territory.perimeter_home(deps=deps)
    if len(regs) == 1 and set(whole.departments_of(tuple(regs))) == set(deps):
        return territory.perimeter_home(regs=regs)
    return None


def _territory_allowed(env: Env) -> Mapping[str, str]:
    def allowed(code: str) -> bool:
        choice = _territory(env, code)
        deps = perimeter_departments(env)
        return choice is not None and (deps is None or territory.within(choice, deps))
    return Lookup(allowed)


def _territory_known(env: Env) -> Mapping[str, str]:
    # Without a level, a code that exists at some level: the notice then says the level is missing.
    levels = [env.values["niveau"]] if env.values.get("niveau") else vocab.LEVELS.codes
    return Lookup(lambda code: any(_territory(env, code, level) is not None for level in levels))


def _territory_outside(env: Env) -> str:
    if not env.values.get("niveau"):
        return "il manque le paramètre « niveau » : reg, dep, epci ou commune"
    return "hors du périmètre de ce lien"


def _home_value(key: str):
    def default(env: Env):
        home = perimeter_home(env)
        if home is None or (key == "code" and env.values.get("niveau") != home["niveau"]):
            return None
        return home[key]
    return default


TERRITORY_VIEW = Spec("territoire", [
    # Nothing chosen: the search box (a partner link: its région or département).
    Key("niveau", "one", choices=lambda env: LEVELS, default=_home_value("niveau")),
    Key("code", "one", choices=_territory_allowed, default=_home_value("code"), normalise=str.upper,
        known=_territory_known, outside=_territory_outside),
])

CARNET_VIEW = Spec("carnet", [
    Key("grouper", "one", choices=lambda env: territory.CARNET_GROUPINGS, default="structure"),
    # the page of cards (numbers from 1; a number past the last page shows the last one)
    Key("page", "one", choices=lambda env: Lookup(lambda v: v.isdigit() and 1 <= int(v) <= 100_000), default=None,
        normalise=str.strip),
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
    Page("pages/territoire.py", "Fiche territoire", "territoire", ":material/location_city:", view=TERRITORY_VIEW),
    Page("pages/carnet.py", "Carnet de projets", "carnet", ":material/auto_stories:", roles=(STAFF,),
         view=CARNET_VIEW),
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

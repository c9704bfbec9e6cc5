"""Generate the fictitious demo records (données fictives), deterministically, calibrated on DOMAIN.md.

Structures are invented ("Fabrique fictive du Héron"); only their places are real communes.
The published orders of magnitude the generator aims at (see ../shared/guide/DOMAIN.md):
22 structures in 2020 (13 + 9), 26 in 2021, 30 from 2023; about 47 creations in 2021;
2022: about 299 séances de créativité, 164 études d'opportunité, 4,300 partners.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from . import config, qpv_locate, reference, schema

# (main département, extra départements covered, joined_year, appellation_year or None, bird)
# 22 structures by 2020 of which 9 with appellation; 26 in 2021 (13 + 13); 30 from 2023.
_STRUCTURES = [
    ("29", [], 2010, 2013, "du Héron"),
    ("35", ["22"], 2010, 2014, "de la Mésange"),
    ("59", ["62"], 2010, 2014, "du Martin-pêcheur"),
    ("13", ["84"], 2010, 2015, "de l'Hirondelle"),
    ("69", ["01"], 2010, 2016, "du Rouge-gorge"),
    ("33", ["47"], 2010, 2017, "de la Fauvette"),
    ("44", ["85"], 2010, 2018, "du Pinson"),
    ("93", [], 2012, 2016, "de la Bergeronnette"),
    ("31", ["09"], 2013, 2019, "du Loriot"),
    ("67", ["68"], 2014, 2021, "de la Sittelle"),
    ("63", ["03"], 2015, 2021, "du Bouvreuil"),
    ("34", ["30"], 2015, 2021, "de l'Alouette"),
    ("21", [], 2016, 2021, "du Chardonneret"),
    ("76", [], 2016, 2022, "de la Grive"),
    ("87", ["19"], 2017, 2022, "du Rossignol"),
    ("80", [], 2017, 2023, "de la Huppe"),
    ("45", [], 2018, 2023, "du Verdier"),
    ("974", [], 2018, 2024, "du Paille-en-queue"),
    ("38", [], 2019, 2024, "de la Bécasse"),
    ("06", [], 2019, 2025, "du Guêpier"),
    ("2A", ["2B"], 2020, 2025, "du Goéland"),
    ("54", ["55"], 2020, 2026, "de la Pie"),
    ("24", [], 2021, None, "du Milan"),
    ("71", [], 2021, None, "de la Buse"),
    ("972", [], 2021, None, "du Colibri"),
    ("50", [], 2021, None, "de l'Aigrette"),
    ("08", [], 2022, None, "du Courlis"),
    ("65", [], 2022, None, "du Gypaète"),
    ("23", [], 2023, None, "de la Chevêche"),
    ("36", [], 2023, None, "du Vanneau"),
]

# Structures that left the network: last year in it. One experimentation that stopped after 2025,
# so that "a structure that left stops counting after its exit year" shows in 2026 (29 structures)
# while 2023-2024 keep the published 30.
_EXITS = {"FAI-30": 2025}
# Sectors as structures type them: the template's broad suggestions (but "autre") and a few specific
# activities typed instead (DOMAIN.md's typical activities), so that the charts group realistic values.
# Weights: mobility, food, re-use and personal services lead, as in the network's published examples.
_SECTOR_WEIGHTS = {
    "mobilité": 12, "alimentation": 12, "réemploi / économie circulaire": 10, "services à la personne": 10,
    "commerce de proximité": 7, "tiers-lieu et vie locale": 6, "habitat et logement": 4,
    "environnement et énergie": 4, "culture, sport et loisirs": 4, "santé et bien-être": 3, "numérique": 3,
    "tourisme": 2,
    "garage solidaire": 6, "conciergerie seniors": 5, "auto-école sociale": 4, "recyclerie": 4,
    "restauration d'insertion": 4,
}
assert set(_SECTOR_WEIGHTS) >= set(schema.SECTOR_SUGGESTIONS) - {"autre"}
_SECTORS = list(_SECTOR_WEIGHTS)
_SECTOR_P = np.array(list(_SECTOR_WEIGHTS.values()), float) / sum(_SECTOR_WEIGHTS.values())
_FSE, _GARAGES, _BIEN_VIEILLIR = schema.PROGRAMME_SUGGESTIONS
FIRST_YEAR = 2010
_SIAE_MIX = {"ACI": 0.45, "EI": 0.24, "AI": 0.13, "ETTI": 0.10, "EITI": 0.08}
_INSERTION_ETP = {"ACI": 9.0, "EI": 5.0, "AI": 6.0, "ETTI": 4.0, "EITI": 2.0}
# Probability of moving on from each stage, and the months it takes.
_NEXT = [
    ("séance de créativité", 0.85, (1, 4)),
    ("étude d'opportunité", 0.78, (2, 6)),
    ("recherche de porteur", 0.82, (2, 6)),
    ("amorçage", 0.88, (2, 8)),
    ("créé", 0.92, (2, 8)),
]
# Detections per structure and year: modest early years, a peak with the 2019-2021 FSE programme
# for fragile territories, then a steady state.
def _detection_rate(year: int) -> float:
    return 2.6 if year < 2018 else 5.8 if year <= 2021 else 5.0
# Annual activity targets for 2022 (DOMAIN.md), spread over structures by maturity.
_TARGETS_2022 = {"creativity_sessions": 299, "opportunity_studies": 164, "partners": 4300}


def _as_of() -> dt.date:
    return dt.date.fromisoformat(config.DEMO_AS_OF)


def _add_months(d: dt.date, months: float) -> dt.date:
    return d + dt.timedelta(days=int(round(months * 30.44)))


def _territories() -> dict[str, pd.DataFrame]:
    """Communes of each département with the zoning flags the placement needs."""
    communes = reference.cog_communes()[["insee_code", "commune_name", "dep_code", "population_municipale"]]
    rural = set(reference.read("grille_densite_communes.csv").query("is_rural == 'True'")["insee_code"])
    pvd = set(reference.read("pvd_communes.csv")["insee_code"])
    c = communes.assign(
        is_rural=communes["insee_code"].isin(rural),
        is_pvd=communes["insee_code"].isin(pvd),
        weight=np.sqrt(communes["population_municipale"].fillna(0).astype(float) + 1.0),
    )
    return {dep: g.reset_index(drop=True) for dep, g in c.groupby("dep_code")}


def _status(joined: int, appellation: int | None, year: int) -> str:
    return "appellation" if appellation is not None and appellation <= year else "expérimentation"


def generate(scale: float = 1.0, seed: int = config.DEMO_SEED) -> dict[str, pd.DataFrame]:
    """All demo records, in the same shape as an import's records."""
    rng = np.random.default_rng(seed)
    as_of = _as_of()
    deps = reference.read("departements.csv").set_index("dep_code")
    territories = _territories()
    qpv = reference.read("qpv_2024_communes.csv")

    structures, structure_deps = [], []
    for i, (dep, extra, joined, appellation, bird) in enumerate(_STRUCTURES, start=1):
        sid = f"FAI-{i:02d}"
        structures.append({
            "structure_id": sid,
            "name": f"Fabrique fictive {bird}",
            "status": _status(joined, appellation, as_of.year),
            "joined_year": joined,
            "appellation_year": appellation,
            "insee_code": deps.loc[dep, "chef_lieu_insee"],
            "exit_year": _EXITS.get(sid),
        })
        structure_deps += [{"structure_id": sid, "dep_code": d} for d in [dep, *extra]]
    structures = pd.DataFrame(structures).astype({"joined_year": "Int64", "appellation_year": "Int64",
                                                  "exit_year": "Int64"})
    structure_deps = pd.DataFrame(structure_deps)

    projects = []
    for s in structures.itertuples():
        covered = structure_deps.loc[structure_deps["structure_id"] == s.structure_id, "dep_code"].tolist()
        place = _Territory(pd.concat([territories[d] for d in covered], ignore_index=True),
                           qpv[qpv["dep_code"].isin(covered)])
        # A structure that left detects nothing after its exit year, and its projects stop there.
        until = as_of if pd.isna(s.exit_year) else min(as_of, dt.date(int(s.exit_year), 12, 31))
        for year in range(s.joined_year, until.year + 1):
            rate = _detection_rate(year) * scale
            if year == s.joined_year:
                rate /= 2
            if year == as_of.year:
                rate *= (as_of.timetuple().tm_yday / 365)
            for _ in range(rng.poisson(rate)):
                projects.append(_project(rng, s, year, place, until))
    projects = pd.DataFrame(projects)
    projects.insert(0, "project_id", [f"P{n:06d}" for n in range(1, len(projects) + 1)])
    projects = _place_points(projects, np.random.default_rng(seed + 1))

    gal, gal_communes = gal_perimeters()
    return {
        "structures": structures,
        "structure_departments": structure_deps,
        "projects": projects,
        "annual_activity": _activity(rng, structures, as_of),
        "leader_gal": gal,
        "leader_communes": gal_communes,
    }


# Fictitious LEADER GAL (no open national list of perimeters exists): about as many groups as the real
# 308 GAL of 2023-2027, covering about as many communes (real GAL: about 82 % of the territory).
GAL_TARGET_GROUPS = 300
GAL_TARGET_COMMUNE_SHARE = 0.80


def gal_perimeters() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fictitious GAL (données fictives): the most rural EPCI (share of their population in rural communes
    of the INSEE density grid) until about 80 % of communes are covered, grouped by département into about
    300 groups of neighbouring EPCI, named « GAL fictif n° 1 »... Deterministic: no random draw, so the
    rest of the demo does not move. Returns (leader_gal: gal_id, gal_name; leader_communes: gal_id,
    insee_code), the shape of an imported GAL file, which replaces them."""
    communes = reference.cog_communes()[["insee_code", "epci_siren", "population_municipale", "lon", "lat"]]
    rural = set(reference.read("grille_densite_communes.csv").query("is_rural == 'True'")["insee_code"])
    epci = reference.read("epci.csv").set_index("epci_siren")
    c = communes.dropna(subset=["epci_siren"]).assign(
        pop=lambda d: d["population_municipale"].fillna(0).astype(float) + 1.0,
        rural_pop=lambda d: np.where(d["insee_code"].isin(rural), d["pop"], 0.0),
    )
    c = c.assign(wlon=c["lon"] * c["pop"], wlat=c["lat"] * c["pop"])
    e = c.groupby("epci_siren").agg(n=("insee_code", "size"), pop=("pop", "sum"), rural_pop=("rural_pop", "sum"),
                                    wlon=("wlon", "sum"), wlat=("wlat", "sum"))
    e = e.assign(share=e["rural_pop"] / e["pop"], lon=e["wlon"] / e["pop"], lat=e["wlat"] / e["pop"],
                 dep=epci.loc[e.index, "main_dep_code"].to_numpy())
    # most rural first (ties by SIREN), until the target share of communes is reached
    e = e.reset_index().sort_values(["share", "epci_siren"], ascending=[False, True])
    covered = e["n"].cumsum() / len(communes)
    chosen = e[covered.shift(fill_value=0.0) < GAL_TARGET_COMMUNE_SHARE]
    per_group = len(chosen) / GAL_TARGET_GROUPS
    groups, members = [], []
    for dep, g in chosen.groupby("dep", sort=True):
        # neighbours: EPCI ordered by angle around the département's centre, cut into consecutive runs
        angle = np.arctan2(g["lat"] - g["lat"].mean(), g["lon"] - g["lon"].mean())
        g = g.assign(angle=angle).sort_values(["angle", "epci_siren"])
        n_groups = max(1, int(round(len(g) / per_group)))
        for part in np.array_split(g["epci_siren"].to_numpy(), n_groups):
            number = len(groups) + 1
            gal_id = f"GAL-FICTIF-{number:03d}"
            groups.append({"gal_id": gal_id, "gal_name": f"GAL fictif n° {number}"})
            members.append(pd.DataFrame({"gal_id": gal_id, "epci_siren": part}))
    gal = pd.DataFrame(groups)
    epci_members = pd.concat(members, ignore_index=True)
    gal_communes = (epci_members.merge(c[["epci_siren", "insee_code"]], on="epci_siren")[["gal_id", "insee_code"]]
                    .sort_values(["gal_id", "insee_code"]).reset_index(drop=True))
    return gal, gal_communes


class _Territory:
    """Where a structure's projects may be placed, with the draws precomputed (fast at --scale 100)."""

    def __init__(self, communes: pd.DataFrame, qpv_here: pd.DataFrame):
        self.name = dict(zip(communes["insee_code"], communes["commune_name"]))
        self.rural = dict(zip(communes["insee_code"], communes["is_rural"]))
        self.qpv = list(zip(qpv_here["insee_code"], qpv_here["qpv_code"]))
        pop = communes["population_municipale"].fillna(0).astype(float).to_numpy() + 1.0
        self.pools = {}
        for key, mask, w in [("rural", communes["is_rural"].to_numpy(), communes["weight"].to_numpy()),
                             ("pvd", communes["is_pvd"].to_numpy(), communes["weight"].to_numpy()),
                             ("all", np.ones(len(communes), bool), pop)]:
            if not mask.any():
                mask, w = np.ones(len(communes), bool), pop
            codes, weights = communes["insee_code"].to_numpy()[mask], w[mask]
            self.pools[key] = (codes, weights / weights.sum())

    def place(self, rng) -> tuple[str, str | None]:
        """A real commune: about 30% in a QPV, 40% rural, 10% PVD, the rest by population."""
        r = rng.random()
        if r < 0.30 and self.qpv:
            return self.qpv[rng.integers(len(self.qpv))]
        codes, p = self.pools["rural" if r < 0.70 else "pvd" if r < 0.80 else "all"]
        return codes[rng.choice(len(codes), p=p)], None


def _project(rng, s, year: int, place: _Territory, as_of: dt.date) -> dict:
    insee, qpv_code = place.place(rng)
    start = dt.date(year, 1, 1)
    span = min((as_of - start).days, 364)
    detected = start + dt.timedelta(days=int(rng.integers(0, span + 1)))
    sector = _SECTORS[rng.choice(len(_SECTORS), p=_SECTOR_P)]
    is_iae = bool(rng.random() < (0.45 if qpv_code else 0.30))
    siae = str(rng.choice(list(_SIAE_MIX), p=list(_SIAE_MIX.values()))) if is_iae else None
    commune_name = place.name[insee]

    stage, when = "détection", detected
    dates = {"study_on": None, "created_on": None, "abandoned_on": None}
    abandon_stage = abandon_reason = None
    for next_stage, p, (lo, hi) in _NEXT:
        step = _add_months(when, rng.uniform(lo, hi))
        if rng.random() >= p:
            if step <= as_of:  # gave up on the way to the next stage
                abandon_stage, stage = stage, "abandonné"
                dates["abandoned_on"] = step
                abandon_reason = schema.ABANDON_REASON_SUGGESTIONS[
                    rng.integers(len(schema.ABANDON_REASON_SUGGESTIONS))]
            break
        if step > as_of:  # still in progress at the data date
            break
        stage, when = next_stage, step
        if stage == "étude d'opportunité":
            dates["study_on"] = step
        elif stage == "créé":
            dates["created_on"] = step

    created = stage == "créé"
    jobs = round(float(rng.gamma(2.0, 1.25)), 1) if created else None
    insertion = None
    if created and is_iae:
        insertion = round(float(_INSERTION_ETP[siae] * rng.lognormal(0, 0.35)), 1)
    fragile = qpv_code is not None or bool(place.rural[insee])
    programme = None
    u = rng.random()  # one draw whatever the sector: the stream does not depend on the sector list
    if 2020 <= year <= 2021 and fragile and u < 0.35:
        programme = _FSE
    elif sector == "garage solidaire" and u < 0.5:
        programme = _GARAGES
    elif sector == "conciergerie seniors" and u < 0.5:
        programme = _BIEN_VIEILLIR
    return {
        "structure_id": s.structure_id,
        "title": f"{sector.capitalize()} à {commune_name} (projet fictif)",
        "sector": sector,
        "insee_code": insee,
        "qpv_code": qpv_code,
        "stage": stage,
        "abandon_stage": abandon_stage,
        "detected_on": detected,
        **dates,
        "abandon_reason": abandon_reason,
        "is_iae": is_iae,
        "siae_type": siae,
        "jobs_etp": jobs,
        "insertion_jobs_etp": insertion,
        "programme": programme,
    }


def _place_points(projects: pd.DataFrame, rng) -> pd.DataFrame:
    """Fictitious coordinates (WGS84, 5 decimals, about 1 m): inside its QPV polygon for a project in a
    QPV, else near its commune's centroid, inside the département and outside every QPV, so that the
    build's placement by coordinates gives back each project's QPV. Drawn with their own generator: the
    other records do not change."""
    n = len(projects)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    qpv = projects["qpv_code"].to_numpy(dtype=object)
    for code in sorted({c for c in qpv if isinstance(c, str)}):
        idx = np.flatnonzero(qpv == code)
        poly = qpv_locate.qpv_polygon(code)
        x0, y0, x1, y1 = poly.bounds
        got_x, got_y = [], []
        for _ in range(50):
            k = max(16, 4 * (len(idx) - len(got_x)))
            x = np.round(rng.uniform(x0, x1, k), 5)
            y = np.round(rng.uniform(y0, y1, k), 5)
            inside = np.asarray(qpv_locate.locate(x, y), dtype=object) == code
            got_x += x[inside].tolist()
            got_y += y[inside].tolist()
            if len(got_x) >= len(idx):
                break
        while len(got_x) < len(idx):  # a sliver too thin to hit: its inner point
            pt = poly.representative_point()
            got_x.append(pt.x)
            got_y.append(pt.y)
        lon[idx], lat[idx] = got_x[:len(idx)], got_y[:len(idx)]
    communes = reference.read("communes.csv").set_index("insee_code")
    todo = np.flatnonzero(np.isnan(lon))
    codes = projects["insee_code"].to_numpy(dtype=object)
    cx = communes.loc[codes[todo], "lon"].to_numpy(float)
    cy = communes.loc[codes[todo], "lat"].to_numpy(float)
    deps = communes.loc[codes[todo], "dep_code"].tolist()
    radius = 0.004  # about 400 m
    for _ in range(8):
        x = np.round(cx + rng.uniform(-radius, radius, len(todo)), 5)
        y = np.round(cy + rng.uniform(-radius, radius, len(todo)), 5)
        ok = (np.asarray(qpv_locate.in_departement(x, y, deps, codes[todo].tolist()))
              & np.asarray([q is None for q in qpv_locate.locate(x, y)]))
        lon[todo[ok]], lat[todo[ok]] = x[ok], y[ok]
        keep = ~ok
        todo, cx, cy = todo[keep], cx[keep], cy[keep]
        deps = [d for d, k in zip(deps, keep) if k]
        if not len(todo):
            break
        radius *= 1.5  # a centroid inside a QPV: look a little further out
    lon[todo], lat[todo] = np.round(cx, 5), np.round(cy, 5)  # the centroid itself (rare)
    return projects.assign(lon=lon, lat=lat)


def _activity(rng, structures: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Séances, études and partners per structure and year, scaled so that 2022 matches DOMAIN.md."""
    def maturity(joined: int, year: int) -> float:
        return min(1.0, 0.45 + 0.18 * (year - joined))

    active_2022 = structures[structures["joined_year"] <= 2022]
    norm = sum(maturity(j, 2022) for j in active_2022["joined_year"])
    rows = []
    for s in structures.itertuples():
        last = as_of.year if pd.isna(s.exit_year) else min(as_of.year, int(s.exit_year))
        for year in range(s.joined_year, last + 1):
            share = maturity(s.joined_year, year) / norm
            if year == as_of.year:
                share *= as_of.month / 12
            rows.append({
                "structure_id": s.structure_id,
                "year": year,
                **{k: int(rng.poisson(v * share)) for k, v in _TARGETS_2022.items()},
            })
    out = pd.DataFrame(rows)
    return out.astype({c: "Int64" for c in ["year", *_TARGETS_2022]})

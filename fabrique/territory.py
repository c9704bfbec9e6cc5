"""The data layer of the « Fiche territoire » and of the « Carnet de projets »: find a territory, check the
territory named by a URL, and assemble the sheet's sections and the carnet's cards from query results.

Pure: no Streamlit, no database access of its own. Every function that needs data takes a runner
``run(name, params) -> DataFrame`` (for example ``lambda n, p: db.run(n, p, path=...)`` or the page's
``data.load``), so that tests pass the real gateway on a test database and pages pass their cache.
No small count is masked here: the page's runner (data.load) applies the viewer's disclosure policy to
every query result (each territoire query declares its rule), and this module shows the marks it left
(« < 3 », « secret ») or « non diffusé » for a row it withheld.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping

import pandas as pd

from . import fmt, policy, vocab

Runner = Callable[[str, dict], pd.DataFrame]

# URL keys of the sheet (/territoire?niveau=dep&code=29) and of the carnet's grouping (/carnet?grouper=...).
URL_LEVEL, URL_CODE, URL_GROUP = "niveau", "code", "grouper"
MAX_TEXT = 100          # longer search texts are cut: nobody types a territory name that long
MAX_SHOWN = 40          # characters of a bad URL value echoed in a notice
MAX_MATCHES = 50        # a search box never lists more

# Well-formed codes of each level (upper case): a malformed one is refused before any query runs.
CODE_FORMATS = {
    "reg": re.compile(r"\d{2}"),
    "dep": re.compile(r"\d{2}|2[AB]|97[1-6]"),
    "epci": re.compile(r"\d{9}"),
    "commune": re.compile(r"\d{5}|2[AB]\d{3}"),
}
CODE_HINTS = {
    "reg": "deux chiffres, par exemple 53",
    "dep": "deux chiffres, 2A, 2B ou 971 à 976, par exemple 29",
    "epci": "numéro SIREN à neuf chiffres, par exemple 242900314",
    "commune": "code INSEE à cinq caractères, par exemple 29232",
}
# Common abbreviations typed in a search ("st etienne").
ABBREVIATIONS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

# Where each figure comes from (shown with it).
SOURCES = {
    "population": "INSEE, population municipale (COG 2026)",
    "density": "INSEE, grille communale de densité à 7 niveaux",
    "network": "Réseau Fabrique à initiatives (Avise), données des structures porteuses",
    "unemployment_rate": "INSEE, taux de chômage localisé (BIT, corrigé des variations saisonnières)",
    "filosofi": "INSEE, Filosofi 2021",
    "siae": "ASP, salariés en SIAE (Pacte d'ambition IAE)",
}
ZONING_SOURCES = {
    "qpv": "ANCT, quartiers prioritaires 2024",
    "ville": "ANCT (QPV 2024) ; unité du contrat : EPCI, ou EPT et Paris, comptant un QPV (approximation)",
    "ruralite": "ANCT, CRTE (liste fin 2022) ; INSEE, grille de densité",
    "frr": "France ruralités revitalisation, classement du 10 juillet 2025",
    "leader": "Périmètres des GAL importés (jeu de démonstration : GAL fictifs)",
    "pvd": "ANCT, Petites villes de demain (liste d'avril 2026)",
    "acv": "ANCT, Action cœur de ville (liste de juillet 2025)",
}
# The rules behind the sources above, said once under the section.
ZONING_RULES = ("Contrat de ville 2024-2030 : faute de liste ouverte des signataires, l'EPCI qui compte un QPV, ou "
                "dans la Métropole du Grand Paris l'EPT ou Paris (approximation usuelle). CRTE à dominante rurale : "
                "au moins la moitié de la population en communes rurales (grille de densité, niveaux 5 à 7). "
                "LEADER : pas de liste nationale ouverte des GAL ; elle s'importe.")
# Families whose zones are single communes: listed as communes, not as contracts.
COMMUNE_FAMILIES = ("frr", "pvd", "acv")


@dataclass(frozen=True)
class Indicator:
    label: str
    unit: str
    source: str
    kind: str            # 'rate' (a ratio shown in %), 'euros', 'count', 'per_10k'


# Context statistics (queries/territoire/context.sql), in display order.
INDICATORS = {
    "unemployment_rate": Indicator("Taux de chômage localisé", "% de la population active",
                                   SOURCES["unemployment_rate"], "rate"),
    "median_income": Indicator("Revenu disponible médian par unité de consommation", "€ par an",
                               SOURCES["filosofi"], "euros"),
    "poverty_rate": Indicator("Taux de pauvreté (seuil à 60 % du revenu médian)", "% de la population",
                              SOURCES["filosofi"], "rate"),
    "siae_employees": Indicator("Salariés en insertion (SIAE)", "personnes", SOURCES["siae"], "count"),
    "siae_employees_per_10k": Indicator("Salariés en insertion pour 10 000 habitants", "pour 10 000 habitants",
                                        SOURCES["siae"], "per_10k"),
}
STATUS_NOTES = {
    "secret": "non publié (secret statistique)",
    "absent": "non disponible dans la source pour ce territoire",
}

# The carnet's groupings (URL value -> label).
CARNET_GROUPINGS = {"structure": "Par structure", "territoire": "Par territoire"}


# ---------------------------------------------------------------- search

def normalize(text: str) -> str:
    """Lower case, no accents, œ/æ spelt out, every run of other characters one space.

    The same rule as territories.name_norm (queries/build/territories.sql); a test checks they agree.
    """
    text = (text or "").lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def _typed(text: str) -> str:
    """The typed text normalised, abbreviations spelt out ("st etienne" -> "saint etienne")."""
    return " ".join(ABBREVIATIONS.get(w, w) for w in normalize(text[:MAX_TEXT]).split())


@dataclass(frozen=True)
class Match:
    level: str
    code: str
    name: str
    label: str           # what the search box shows: name, level and where
    population: int | None
    dep_codes: tuple[str, ...] = ()     # the départements it lies in (a partner's search keeps its own)

    def query(self) -> dict[str, str]:
        return {URL_LEVEL: self.level, URL_CODE: self.code}


def _where(level: str, code: str, reg_name, dep_name, dep_code) -> str:
    if level == "reg":
        return vocab.LEVELS["reg"].lower
    if level == "dep":
        return f"{vocab.LEVELS['dep'].lower} ({code}), {reg_name}"
    return f"{vocab.LEVELS[level].lower}, {dep_name} ({dep_code})"


def search(text: str, limit: int = 10, *, run: Runner) -> list[Match]:
    """Territories matching a typed name or code, best first (see queries/territoire/search.sql)."""
    text = (text or "")[:MAX_TEXT]
    norm = _typed(text)
    if not norm:
        return []
    rows = run("territoire/search", {
        "text": norm, "tokens": norm.split(), "code": text.strip().upper(),
        "levels": vocab.LEVELS.codes, "limit": max(1, min(int(limit), MAX_MATCHES)),
    })
    return [Match(r.level, r.code, r.name, f"{r.name} — {_where(r.level, r.code, r.reg_name, r.dep_name, r.dep_code)}",
                  None if pd.isna(r.population) else int(r.population),
                  tuple(r.dep_codes) if r.dep_codes is not None else ())
            for r in rows.itertuples()]


# ---------------------------------------------------------------- the territory named by a URL

@dataclass(frozen=True)
class Choice:
    """A territory that exists: level, code, name, and where it lies (for parents and partner checks)."""
    level: str
    code: str
    name: str
    reg_code: str | None = None
    dep_code: str | None = None
    dep_codes: tuple[str, ...] = ()

    @property
    def level_label(self) -> str:
        return vocab.LEVELS.label(self.level)

    def query(self) -> dict[str, str]:
        """The URL query of this choice."""
        return {URL_LEVEL: self.level, URL_CODE: self.code}

    def params(self) -> dict[str, str]:
        """The SQL parameters of the territoire queries."""
        return {"niveau": self.level, "code": self.code}


# Grammatical gender of each level's word (vocab.LEVELS lower), for « une région », « aucun EPCI ».
FEMININE_LEVELS = {"reg", "commune"}


def _a(level: str) -> str:
    """« un département », « une commune »."""
    return ("une " if level in FEMININE_LEVELS else "un ") + vocab.LEVELS[level].lower


def _none(level: str) -> str:
    """« aucun département », « aucune commune »."""
    return ("aucune " if level in FEMININE_LEVELS else "aucun ") + vocab.LEVELS[level].lower


def _of(level: str) -> str:
    """« de département », « d'EPCI »."""
    word = vocab.LEVELS[level].lower
    return ("d'" if normalize(word[:1]) in "aeiouy" else "de ") + word


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def _show(raw) -> str:
    clean = "".join(ch for ch in str(raw) if ch.isprintable())
    return clean if len(clean) <= MAX_SHOWN else clean[:MAX_SHOWN] + "…"


def parse_choice(niveau: str | None, code: str | None, *, run: Runner) -> tuple[Choice | None, str | None]:
    """The territory named by the URL values, or None and a French notice saying what is wrong.

    Nothing given: (None, None), the page shows the search box. Never raises on bad input.
    """
    niveau = None if niveau is None else str(niveau).strip().lower()
    code = None if code is None else str(code).strip().upper()
    if not niveau and not code:
        return None, None
    levels = ", ".join(vocab.LEVELS.codes)
    if not niveau:
        return None, (f"Paramètre « {URL_LEVEL} » manquant : il faut l'une des valeurs {levels}. "
                      "Cherchez le territoire ci-dessous.")
    if niveau not in vocab.LEVELS:
        return None, (f"Paramètre « {URL_LEVEL} » inconnu : « {_show(niveau)} » (valeurs possibles : {levels}). "
                      "Cherchez le territoire ci-dessous.")
    if not code:
        return None, f"Paramètre « {URL_CODE} » manquant : choisissez {_a(niveau)} ci-dessous."
    if not CODE_FORMATS[niveau].fullmatch(code):
        return None, (f"Code {_of(niveau)} mal formé : « {_show(code)} » (attendu : {CODE_HINTS[niveau]}). "
                      "Cherchez le territoire ci-dessous.")
    rows = run("territoire/identity", {"niveau": niveau, "code": code})
    if rows.empty:
        return None, (f"{_upper_first(_none(niveau))} de code « {code} » dans la géographie en vigueur (COG 2026). "
                      "Cherchez le territoire ci-dessous.")
    r = rows.iloc[0]
    return Choice(niveau, code, r["name"], _text(r["reg_code"]), _text(r["dep_code"]),
                  tuple(r["dep_codes"]) if r["dep_codes"] is not None else ()), None


def _text(v) -> str | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA else str(v)


def within(choice: Choice, perimeter_deps: Iterable[str]) -> bool:
    """Whether a partner whose perimeter is these départements may open this territory's sheet:
    every département the territory lies in must be inside (an EPCI across the line may not)."""
    allowed = set(perimeter_deps)
    return bool(choice.dep_codes) and set(choice.dep_codes) <= allowed


def perimeter_home(regs: Iterable[str] = (), deps: Iterable[str] = ()) -> dict[str, str] | None:
    """The URL query of the sheet a partner link opens on: its one région or its one département."""
    regs, deps = list(regs), list(deps)
    if len(regs) == 1 and not deps:
        return {URL_LEVEL: "reg", URL_CODE: regs[0]}
    if len(deps) == 1 and not regs:
        return {URL_LEVEL: "dep", URL_CODE: deps[0]}
    return None


# ---------------------------------------------------------------- the sheet's pieces

@dataclass(frozen=True)
class Fact:
    """One figure as shown: French label, formatted value with its unit, source and vintage, raw value."""
    label: str
    value: str
    source: str = ""
    note: str = ""
    raw: object = None


@dataclass(frozen=True)
class Section:
    """One part of the sheet, in the order of the issue. tables: display-ready (French headers, French
    formats); data: the rows behind charts and maps as the data layer gave them (in a protected view,
    the disclosure policy's marks « < 3 » and « secret » in place of the masked counts)."""
    key: str
    title: str
    facts: tuple[Fact, ...] = ()
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    data: Mapping[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class Sheet:
    choice: Choice
    period: str
    sections: tuple[Section, ...]
    withheld: bool = False       # a protected figure of the sheet was withheld by the disclosure policy

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# What a count withheld by the disclosure policy reads (its row could not be protected otherwise).
WITHHELD = "non diffusé"
MASKS_NOTE = ("Vue protégée : « < 3 » signale un effectif de 1 ou 2, « secret » un chiffre masqué pour qu'un "
              "tel effectif ne puisse pas être retrouvé par différence, « non diffusé » un chiffre retenu pour "
              "la même raison.")


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _mark(v) -> bool:
    """A value the disclosure policy replaced by its mark (« < 3 », « secret »)."""
    return isinstance(v, str)


def _shown(v, decimals: int = 0) -> str:
    """A figure as shown: the policy's mark as it is, « – » when missing, else French format."""
    if _mark(v):
        return v
    if _missing(v):
        return "–"
    return fmt.number(v, decimals)


def _count_text(n, one: str, many: str) -> str:
    """« 2 projets », « < 3 projets », « secret »."""
    if _mark(n):
        return f"{n} {many}" if n == policy.PRIMARY else n
    if _missing(n):
        return WITHHELD
    return f"{fmt.number(n)} {_plural(n, one, many)}"


def _plural(n, one: str, many: str) -> str:
    return one if not _missing(n) and not _mark(n) and abs(float(n)) < 2 else many


def period_text(year_from: int, year_to: int) -> str:
    return str(year_from) if year_from == year_to else f"{year_from} à {year_to}"


def _value(kind: str, v) -> str:
    if _mark(v):
        return v
    if _missing(v):
        return "–"
    if kind == "rate":
        return fmt.percent(v)
    if kind == "euros":
        return fmt.number(v) + "\u00a0€"
    if kind == "per_10k":
        return fmt.number(v, 1)
    return fmt.number(v)


def _signed(x: float, decimals: int = 1) -> str:
    """+0,1 / −1,7 (a true minus sign)."""
    sign = "+" if x > 0 else "\u2212" if x < 0 else ""
    return sign + fmt.number(abs(x), decimals)


def _trend(kind: str, now, before, period: str) -> str | None:
    """'−0,3 point depuis T4 2023' for a rate, '+2,1 % depuis 09/2021' for a count."""
    if _missing(now) or _missing(before) or not period:
        return None
    if kind == "rate":
        diff = (float(now) - float(before)) * 100
        return f"{_signed(diff, 1)} {_plural(diff, 'point', 'points')} depuis {period}"
    if float(before) == 0:
        return None
    return f"{_signed((float(now) / float(before) - 1) * 100, 1)} % depuis {period}"


def facts_table(facts: Iterable[Fact]) -> tuple[pd.DataFrame, str | None]:
    """Facts as a table (what the page prints): figure, value, details, source; when every fact has the same
    source, the table leaves the column out and that source is returned to be said once under it."""
    facts = list(facts)
    table = pd.DataFrame({"Indicateur": [f.label for f in facts], "Valeur": [f.value for f in facts],
                          "Précisions": [f.note for f in facts], "Source": [f.source for f in facts]})
    sources = {f.source for f in facts if f.source}
    if len(sources) == 1 and all(f.source for f in facts):
        return table.drop(columns="Source"), sources.pop()
    return table, None


# ---------------------------------------------------------------- 1. identity

def identity_section(identity: pd.DataFrame, density: pd.DataFrame) -> Section:
    r = identity.iloc[0]
    level = r["level"]
    parents = []
    if level == "commune" and not _missing(r["epci_name"]):
        parents.append(Fact("EPCI", r["epci_name"], raw=r["epci_siren"]))
    if level in ("epci", "commune") and r["dep_codes"] is not None and len(r["dep_codes"]) > 1:
        parents.append(Fact("Départements", r["departments"], raw=list(r["dep_codes"])))
    elif level in ("epci", "commune"):
        parents.append(Fact("Département", f"{r['dep_name']} ({r['dep_code']})", raw=r["dep_code"]))
    if level != "reg":
        parents.append(Fact("Région", r["reg_name"], raw=r["reg_code"]))
    # the rural levels' names as the grid spells them (density_profile reads them from the grid)
    rural_levels = ", ".join(f"« {label} »" for label in density.loc[density["is_rural"], "density_label"])
    facts = [
        Fact("Niveau", vocab.LEVELS.label(level), raw=level),
        *parents,
        Fact("Population municipale", f"{fmt.number(r['population_n'])} habitants", SOURCES["population"],
             raw=r["population_n"]),
        Fact("Communes", fmt.number(r["communes_n"]), "INSEE, COG 2026", raw=r["communes_n"]),
        Fact("Part des communes rurales", fmt.percent(r["rural_communes_pct"]), SOURCES["density"],
             note=f"{fmt.number(r['rural_communes_n'])} {_plural(r['rural_communes_n'], 'commune rurale', 'communes rurales')} "
                  f"(niveaux 5 à 7 : {rural_levels})",
             raw=r["rural_communes_pct"]),
        Fact("Part de la population en commune rurale", fmt.percent(r["rural_population_pct"]), SOURCES["density"],
             note=f"{fmt.number(r['rural_population_n'])} {_plural(r['rural_population_n'], 'habitant', 'habitants')}",
             raw=r["rural_population_pct"]),
    ]
    profile = pd.DataFrame({
        "Niveau de densité": [f"{int(d.density_class)} – {d.density_label}" for d in density.itertuples()],
        "Communes": [fmt.number(v) for v in density["communes_n"]],
        "Part des communes": [fmt.percent(v) for v in density["communes_pct"]],
        "Population": [fmt.number(v) for v in density["population_n"]],
        "Part de la population": [fmt.percent(v) for v in density["population_pct"]],
    })
    return Section("identite", "Identité du territoire", tuple(facts),
                   tables={"Profil de densité (grille communale de l'INSEE)": profile},
                   notes=(f"Source : {SOURCES['density']} ; {SOURCES['population']}.",),
                   data={"identity": identity, "density": density})


# ---------------------------------------------------------------- 2. contracts and zonings

@dataclass(frozen=True)
class FamilySummary:
    family: str
    label: str
    zones_n: int
    covered_n: int                  # zones with at least one project detected in the period
    unknown_n: int                  # zones whose figures were withheld (protected view)
    names: tuple[str, ...]          # every zone present (names), in the query's order
    uncovered: tuple[str, ...]      # the zones blanches: no project detected in the period
    qpv_commune_n: int | None       # contrats de ville: with a project in a commune of theirs that has a QPV
    source: str

    @property
    def uncovered_n(self) -> int:
        return len(self.uncovered)


def zone_rows(zones: pd.DataFrame, zone_projects: pd.DataFrame) -> pd.DataFrame:
    """The zones present with their project figures (territoire/zones and territoire/zone_projects).

    withheld: the policy withheld the zone's figures; covered: True (a project detected in the zone, a
    masked count included: masks stand for 1 or more), False (none: a zone blanche), None (withheld)."""
    out = zones.merge(zone_projects, on=["family", "zone_id"], how="left")
    out["withheld"] = out["projects_n"].map(_missing)
    out["covered"] = [None if w else (True if _mark(n) else int(n) > 0)
                      for n, w in zip(out["projects_n"], out["withheld"])]
    return out


def _covered(v) -> bool | None:
    if _missing(v):
        return None
    return True if _mark(v) else int(v) > 0


def zoning_families(rows: pd.DataFrame, *, gal_loaded: bool = True) -> list[FamilySummary]:
    """One summary per family of vocab.CONTRACT_FAMILIES, in its order, zero where absent (rows: zone_rows)."""
    out = []
    for term in vocab.CONTRACT_FAMILIES:
        r = rows[rows["family"] == term.code]
        covered = r["covered"].tolist()
        qpv_commune = None
        if term.code == "ville":
            qpv_commune = sum(bool(_covered(v)) for v in r["projects_qpv_commune_n"])
        out.append(FamilySummary(
            term.code, term.label, len(r), sum(c is True for c in covered), sum(c is None for c in covered),
            tuple(r["zone_name"]), tuple(r.loc[[c is False for c in covered], "zone_name"]), qpv_commune,
            ZONING_SOURCES[term.code] if term.code != "leader" or gal_loaded
            else "Aucun périmètre de GAL importé",
        ))
    return out


def _names(names: tuple[str, ...], shown: int = 10) -> str:
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" et {fmt.number(more)} {_plural(more, 'autre', 'autres')}" if more > 0 else "")


def zonings_section(zones: pd.DataFrame, zone_projects: pd.DataFrame, choice: Choice, period: str, *,
                    gal_loaded: bool = True) -> Section:
    rows = zone_rows(zones, zone_projects)
    facts = []
    for s in zoning_families(rows, gal_loaded=gal_loaded):
        term = vocab.CONTRACT_FAMILIES[s.family]
        feminine = s.family in COMMUNE_FAMILIES       # « commune FRR », « commune PVD »...
        note = ""
        if s.family == "leader" and not gal_loaded:
            value = "non renseigné"
        elif choice.level == "commune" and feminine:
            value = "oui" if s.zones_n else "non"
        elif s.zones_n == 0:
            value = f"{'aucune' if feminine else 'aucun'} {term.one}"
        else:
            value = f"{fmt.number(s.zones_n)} {_plural(s.zones_n, term.one, term.many)}"
        if s.zones_n:
            note = (f"{_names(s.names, 5 if feminine else 8)} ; avec au moins un projet détecté ({period}) : {fmt.number(s.covered_n)}, "
                    f"{_plural(s.uncovered_n, 'zone blanche', 'zones blanches')} : {fmt.number(s.uncovered_n)}")
            if s.unknown_n:
                note += f", non diffusé : {fmt.number(s.unknown_n)}"
            if s.qpv_commune_n is not None:
                note += (f" ; avec au moins un projet dans une de leurs communes comptant un QPV (même hors du "
                         f"quartier) : {fmt.number(s.qpv_commune_n)}")
        facts.append(Fact(s.label, value, s.source, note=note, raw=s.zones_n))
    table = rows.copy()
    display = pd.DataFrame({
        "Famille": [vocab.CONTRACT_FAMILIES.label(f) for f in table["family"]],
        "Zone ou contrat": table["zone_name"],
        "Communes ici / en tout": [f"{fmt.number(a)} / {fmt.number(b)}"
                                   for a, b in zip(table["communes_here"], table["communes_total"])],
        f"Projets détectés ({period})": [WITHHELD if w else _shown(v)
                                          for v, w in zip(table["projects_n"], table["withheld"])],
        "dont dans ce territoire": [WITHHELD if w else _shown(v)
                                    for v, w in zip(table["projects_here_n"], table["withheld"])],
        "Zone blanche": ["oui" if c is False else "non" if c else WITHHELD for c in table["covered"]],
    })
    return Section(
        "zonages", "Contrats et zonages présents", tuple(facts),
        tables={"Zones et contrats du territoire": display.reset_index(drop=True)},
        notes=("Zone blanche : aucun projet détecté pendant la période dans la zone. Un projet atteint un QPV "
               "par son code QPV, un contrat de ville quand il est situé dans un de ses QPV, les autres zones par "
               "sa commune ; il compte dans toute la zone, même au-delà du territoire, comme sur la page "
               "« Couverture des contrats ». " + ZONING_RULES,),
        data={"zones": rows},
    )


# ---------------------------------------------------------------- 3. context statistics

def _geo_text(role: str, name: str, code: str) -> str:
    if role == "zone_emploi":
        return f"zone d'emploi de {name}"
    if role == "departement":
        return f"{name} ({code})"
    return name


def context_facts(context: pd.DataFrame) -> list[Fact]:
    """One fact per (indicator, geography), with its period, trend over one and five years, source. The
    rate per 10,000 inhabitants of people employed in SIAE is said with their count, not on a line of its own."""
    out = []
    per_10k = {r.geo_role: r.value for r in context.itertuples() if r.indicator == "siae_employees_per_10k"}
    for r in context.itertuples():
        ind = INDICATORS[r.indicator]
        if ind.kind == "per_10k":
            continue
        notes = [STATUS_NOTES[r.status]] if r.status != "ok" else []
        # the rate per 10,000 uses today's population for every month: its trend is the count's, not repeated
        trends = () if ind.kind == "per_10k" else ((r.value_1y, r.period_1y_label), (r.value_5y, r.period_5y_label))
        for before, since in trends:
            trend = _trend(ind.kind, r.value, before, None if _missing(since) else since)
            if trend:
                notes.append(trend)
        if r.indicator == "siae_employees" and not _missing(per_10k.get(r.geo_role)):
            notes.insert(0, f"{fmt.number(per_10k[r.geo_role], 1)} pour 10 000 habitants")
        if r.geo_role == "zone_emploi" and not _missing(r.coverage_pct) and r.coverage_pct < 0.995:
            notes.append(f"zone d'emploi de {fmt.percent(r.coverage_pct, 0)} de la population du territoire")
        value = _value(ind.kind, r.value)
        if not _missing(r.value) and ind.kind == "count":
            value += f" {ind.unit}"
        period = None if _missing(r.period_label) else r.period_label
        out.append(Fact(f"{ind.label} — {_geo_text(r.geo_role, r.geo_name, r.geo_code)}", value,
                        f"{ind.source}, {period}" if period and period not in ind.source else ind.source,
                        note=" ; ".join(notes), raw=r.value))
    return out


def context_section(context: pd.DataFrame) -> Section:
    return Section("contexte", "Contexte : emploi, revenus, insertion", tuple(context_facts(context)),
                   notes=("Chômage : dernier trimestre publié de chaque série ; la zone d'emploi d'un EPCI est "
                          "celle qui rassemble la plus grande part de sa population. Salariés en insertion : "
                          "personnes employées en SIAE en fin de mois (EITI et GEIQ comptés à partir de 2021) ; "
                          "taux calculé sur la population municipale 2026. Filosofi : pas de chiffre départemental "
                          "ou régional dans la source ; valeurs communales soumises au secret statistique.",),
                   data={"context": context})


# ---------------------------------------------------------------- 4. the network there

def siae_table(by_type: pd.DataFrame) -> pd.DataFrame:
    """The SIAE types as territoire/iae_by_siae_type lists them (every type of the vocabulary, then any
    other), named; a type whose row the policy withheld reads « non diffusé »."""
    present = {(None if _missing(r.siae_type) else r.siae_type): r for r in by_type.itertuples()}
    codes = vocab.SIAE_TYPES.codes + [c for c in present if c not in vocab.SIAE_TYPES]
    rows = []
    for code in codes:
        r = present.get(code)
        name = vocab.SIAE_TYPES[code].name if code in vocab.SIAE_TYPES else (code or "type non précisé")
        values = [WITHHELD] * 4 if r is None else [r.projects_n, r.creations_n, r.jobs_etp, r.insertion_jobs_etp]
        rows.append((code, name, *values))
    return pd.DataFrame(rows, columns=["siae_type", "siae_name", "projects_n", "creations_n", "jobs_etp",
                                       "insertion_jobs_etp"])


def stages_table(stages: pd.DataFrame) -> pd.DataFrame:
    """Every stage of the vocabulary in its order with its count and share; withheld rows « non diffusé »."""
    present = {r.stage_code: r for r in stages.itertuples()}
    rows = [(t.code, t.label, *((WITHHELD, WITHHELD) if t.code not in present
                                 else (present[t.code].projects_n, present[t.code].share_pct)))
            for t in vocab.STAGES]
    return pd.DataFrame(rows, columns=["stage_code", "stage", "projects_n", "share_pct"])


def network_row(network_here: pd.DataFrame, choice: Choice) -> pd.Series | None:
    """The territory's own row of territoire/network_here (None when the policy withheld it)."""
    rows = network_here[network_here["code"] == choice.code]
    return None if rows.empty else rows.iloc[0]


def _status_end(r, year_to: int) -> str:
    if _missing(r.status_code_end):
        return f"sorti du réseau en {int(r.exit_year)}" if not _missing(r.exit_year) else "–"
    return vocab.STATUSES.label(r.status_code_end)


def network_section(structures: pd.DataFrame, stages: pd.DataFrame, by_type: pd.DataFrame,
                    here: pd.Series | None, zones: pd.DataFrame, choice: Choice, period: str,
                    year_to: int) -> Section:
    """Structures working there, projects by stage, IAE by SIAE type, creations and jobs, rates, zones blanches.

    here: the territory's row of territoire/network_here (None: withheld by the disclosure policy)."""
    def get(col):
        return None if here is None else here[col]

    def count_fact(label, col, rate_col, one, many):
        n, rate = get(col), get(rate_col)
        if here is None:
            return Fact(label, WITHHELD, SOURCES["network"], note=MASKS_NOTE, raw=None)
        rate_text = ("taux non diffusé" if _mark(rate) or _mark(n)
                     else f"{fmt.number(rate, 1)} pour 100 000 habitants")
        return Fact(label, _count_text(n, one, many), SOURCES["network"], note=rate_text, raw=n)

    jobs, insertion = get("jobs_etp"), get("insertion_jobs_etp")
    if here is None or _mark(jobs):
        jobs_fact = Fact(f"Emplois créés ({period})", WITHHELD if here is None else jobs, SOURCES["network"],
                         raw=None)
    else:
        jobs_fact = Fact(f"Emplois créés ({period})", f"{fmt.number(jobs, 1)} ETP", SOURCES["network"],
                         note=f"et postes d'insertion des projets IAE : {_shown(insertion, 1)} ETP ; "
                              f"{_shown(get('jobs_per_100k'), 1)} ETP pour 100 000 habitants", raw=jobs)
    facts = [
        Fact("Structures du réseau travaillant sur le territoire", fmt.number(len(structures)),
             SOURCES["network"], note=f"présentes dans le réseau pendant la période ({period})",
             raw=len(structures)),
        count_fact(f"Projets détectés ({period})", "projects_n", "projects_per_100k", "projet", "projets"),
        count_fact(f"dont projets IAE ({period})", "iae_projects_n", "iae_projects_per_100k", "projet", "projets"),
        count_fact(f"Créations ({period})", "creations_n", "creations_per_100k", "création", "créations"),
        jobs_fact,
    ]
    has_counts = "projects_n" in structures.columns
    s = structures
    structures_table = pd.DataFrame({
        "Structure": s["name"],
        f"Statut fin {year_to}": [_status_end(r, year_to) for r in s.itertuples()],
        "Dans le réseau depuis": [str(int(y)) for y in s["joined_year"]],
        "Siège": [f"{c} ({d})" for c, d in zip(s["seat_commune_name"], s["seat_dep_code"])],
        "Départements couverts ici": s["departments_here"],
        f"Projets détectés ici ({period})": [_shown(v) for v in s["projects_n"]] if has_counts
        else [WITHHELD] * len(s),
        f"Créations ici ({period})": [_shown(v) for v in s["creations_n"]] if has_counts else [WITHHELD] * len(s),
    })
    stage_rows = stages_table(stages)
    stage_display = pd.DataFrame({
        "Étape actuelle": [label.capitalize() for label in stage_rows["stage"]],
        "Projets": [_shown(v) for v in stage_rows["projects_n"]],
        "Part": [v if _mark(v) else fmt.percent(v) for v in stage_rows["share_pct"]],
    })
    siae = siae_table(by_type)
    siae_display = pd.DataFrame({
        "Type de SIAE": [f"{c} ({n})" if c else n for c, n in zip(siae["siae_type"], siae["siae_name"])],
        "Projets IAE détectés": [_shown(v) for v in siae["projects_n"]],
        "dont créés": [_shown(v) for v in siae["creations_n"]],
        "Emplois (ETP)": [_shown(v, 1) for v in siae["jobs_etp"]],
        "Postes d'insertion (ETP)": [_shown(v, 1) for v in siae["insertion_jobs_etp"]],
    })
    blank = zones[[c is False for c in zones["covered"]]]
    blank_table = pd.DataFrame({
        "Famille": [vocab.CONTRACT_FAMILIES.label(f) for f in blank["family"]],
        "Zone blanche (aucun projet détecté)": blank["zone_name"],
        "Population des communes concernées ici": [fmt.number(v) for v in blank["population_here"]],
    }).reset_index(drop=True)
    return Section(
        "reseau", "Le réseau sur le territoire", tuple(facts),
        tables={
            "Structures travaillant sur le territoire": structures_table,
            f"Projets détectés ({period}) par étape actuelle": stage_display,
            f"Projets IAE détectés ({period}) par type de SIAE": siae_display,
            "Zones blanches du territoire": blank_table,
        },
        notes=(f"Période {period} ; projets situés dans le territoire. Projets détectés : cohortes de la période "
               "(année de détection) ; créations et emplois : créations de la période (projets IAE par type : "
               "projets détectés pendant la période et créés au plus tard à sa fin). Une structure travaille "
               "sur le territoire quand les départements qu'elle couvre en comprennent un (pour un EPCI ou une "
               f"commune : son département) ; statut à la fin de {year_to}.",),
        data={"structures": structures, "stages": stage_rows, "siae": siae,
              "network": pd.DataFrame([here]) if here is not None else pd.DataFrame()},
    )


# ---------------------------------------------------------------- 5. side by side

# Rows of the comparison table: result column -> (French label, kind).
COMPARISON_ROWS = {
    "population_n": ("Population municipale", "count"),
    "rural_population_pct": ("Part de la population en commune rurale", "rate"),
    "qpv_n": ("Quartiers prioritaires (QPV)", "count"),
    "structures_n": ("Structures du réseau qui y travaillent", "count"),
    "projects_per_100k": ("Projets détectés pour 100 000 habitants", "per_10k"),
    "iae_projects_per_100k": ("Projets IAE détectés pour 100 000 habitants", "per_10k"),
    "creations_per_100k": ("Créations pour 100 000 habitants", "per_10k"),
    "jobs_per_100k": ("Emplois créés (ETP) pour 100 000 habitants", "per_10k"),
    "unemployment_rate_pct": ("Taux de chômage localisé", "rate"),
    "poverty_rate_pct": ("Taux de pauvreté (Filosofi 2021)", "rate"),
    "median_income": ("Revenu médian par unité de consommation (€, Filosofi 2021)", "count"),
    "siae_employees_per_10k": ("Salariés en insertion pour 10 000 habitants (09/2022)", "per_10k"),
}
NETWORK_COLUMNS = ["projects_n", "projects_per_100k", "iae_projects_n", "iae_projects_per_100k", "creations_n",
                   "creations_per_100k", "jobs_etp", "insertion_jobs_etp", "jobs_per_100k"]
# The network ratios drawn in the sheet's small chart (short labels: the chart's title says « pour 100 000
# habitants », and a phone leaves little room for the axis).
CHART_ROWS = {"projects_per_100k": "Projets détectés", "iae_projects_per_100k": "dont IAE",
              "creations_per_100k": "Créations", "jobs_per_100k": "Emplois (ETP)"}


def comparison_rows(comparison: pd.DataFrame, here: pd.Series | None, choice: Choice) -> pd.DataFrame:
    """territoire/comparison with the territory's network figures filled in from its network_here row
    (below the département, the comparison query leaves them to the protected query): WITHHELD when
    the policy withheld that row."""
    out = comparison.copy().astype({c: object for c in NETWORK_COLUMNS if c in comparison.columns})
    if choice.level in ("epci", "commune"):
        i = out.index[out["role"] == "territoire"]
        for col in NETWORK_COLUMNS:
            out.loc[i, col] = WITHHELD if here is None else here[col]
    return out


def comparison_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One row per ratio, one column per compared territory (territory, parent, France)."""
    records = list(rows.itertuples())   # once: itertuples builds a class per call
    heads = [r.name if r.role == "france" else f"{r.name} ({vocab.LEVELS[r.level].lower})" for r in records]
    out = {"Indicateur": [], **{h: [] for h in heads}}
    periods = rows["unemployment_period"].dropna()
    for col, (label, kind) in COMPARISON_ROWS.items():
        if col == "unemployment_rate_pct" and len(periods):
            label = f"{label} ({periods.iloc[0]})"
        values = [getattr(r, col) for r in records]
        if all(_missing(v) for v in values):
            continue     # e.g. Filosofi for a département, a région and France: no such figure in the source
        out["Indicateur"].append(label)
        for head, v in zip(heads, values):
            out[head].append(_value(kind, v))
    return pd.DataFrame(out)


PARENT_WORDS = {"commune": "son département", "epci": "son département", "dep": "sa région"}


def comparison_section(comparison: pd.DataFrame, here: pd.Series | None, choice: Choice, period: str) -> Section:
    parent = PARENT_WORDS.get(choice.level)
    title = f"Le territoire, {parent} et la France" if parent else "Le territoire et la France"
    rows = comparison_rows(comparison, here, choice)
    notes = [f"Réseau : période {period}, tous les filtres s'appliquent. Chômage : même trimestre pour toutes "
             "les colonnes (zone d'emploi pour un EPCI ou une commune) ; France hors Mayotte. Filosofi : publié "
             "pour les EPCI et les communes seulement ; salariés en insertion : départements, régions et "
             "France seulement."]
    if "network_shown" in rows and not rows.loc[rows["role"] != "territoire", "network_shown"].all():
        notes.append("« – » pour le réseau : territoire plus large que le périmètre des filtres ou du lien, dont "
                     "les projets ne seraient comptés qu'en partie.")
    return Section("comparaison", "Comparaison", (), tables={title: comparison_table(rows)}, notes=tuple(notes),
                   data={"comparison": rows})


# ---------------------------------------------------------------- 6. map

def map_section(communes: pd.DataFrame, commune_projects: pd.DataFrame, choice: Choice,
                here: pd.Series | None = None) -> Section:
    """The communes of the territory with their zoning flags and project counts (for a point map).

    Counts come from territoire/commune_projects, which lists every commune: in a protected view they
    carry the policy's marks, and a commune missing from it was withheld (« non diffusé »). A commune's
    sheet takes its one commune's counts from its network row (here), protected among the communes of its
    département, so that the map and the figures above it say the same."""
    counts = commune_projects[["insee_code", "projects_n", "qpv_projects_n", "creations_n"]]
    if choice.level == "commune":
        cols = ["projects_n", "qpv_projects_n", "creations_n"]
        counts = pd.DataFrame([[choice.code, *here[cols]]] if here is not None else [],
                              columns=["insee_code", *cols])
    data = communes.merge(counts, on="insee_code", how="left")
    withheld = data["projects_n"].isna()
    for col in ("projects_n", "qpv_projects_n", "creations_n"):
        # thousands with a narrow no-break space, as fmt.number (vectorised: a région has 5,000 communes)
        data[col + "_label"] = [WITHHELD if w else (x if _mark(x) else f"{int(x):,}".replace(",", fmt.NBSP))
                                for x, w in zip(data[col], withheld)]
    notes = ["Communes placées à leur centroïde (IGN ADMIN EXPRESS, communes au 1er janvier 2026)."]
    if withheld.any():
        n = int(withheld.sum())
        notes.append(f"Vue protégée : les projets de {fmt.number(n)} {_plural(n, 'commune', 'communes')} ne sont "
                     "pas diffusés (leur effectif se déduirait des autres).")
    return Section("carte", "Carte du territoire et de ses communes", (), notes=tuple(notes),
                   data={"communes": data})


# Short names of the families on the map's legend and hover.
MAP_FAMILIES = {"qpv": "Commune avec un QPV", "ville": "Contrat de ville", "ruralite": "CRTE à dominante rurale",
                "frr": "FRR", "leader": "GAL (LEADER)", "pvd": "Petite ville de demain", "acv": "Action cœur de ville"}


def map_points(communes: pd.DataFrame) -> pd.DataFrame:
    """The map section's communes ready to draw: in_qpv from the QPV count, and a French hover text."""
    out = communes.copy()
    out["in_qpv"] = out["qpv_count"] > 0
    flags = out[[f"in_{f}" for f in MAP_FAMILIES]].to_numpy()
    names = list(MAP_FAMILIES.values())
    zonings = [", ".join(n for n, on in zip(names, row) if on) or "aucun zonage" for row in flags]
    population = [f"{int(v):,}".replace(",", fmt.NBSP) if not _missing(v) else "–" for v in out["population"]]
    out["hover"] = [f"{n} ({c}) · {p} hab. · projets détectés : {lab} · {z}"
                    for n, c, p, lab, z in zip(out["commune_name"], out["insee_code"], population,
                                               out["projects_n_label"], zonings)]
    return out


def comparison_chart_data(section: Section) -> pd.DataFrame:
    """The network ratios of the comparison (CHART_ROWS), one column per compared territory, as numbers
    (a masked or missing figure is left out of the chart: NaN)."""
    table = next(iter(section.tables.values()))
    rows = section.data["comparison"]
    heads = list(table.columns[1:])
    out = {"Indicateur": list(CHART_ROWS.values())}
    for head, (_, r) in zip(heads, rows.iterrows()):
        out[head] = [float(r[c]) if not _mark(r[c]) and not _missing(r[c]) else float("nan") for c in CHART_ROWS]
    return pd.DataFrame(out)


# ---------------------------------------------------------------- the whole sheet

SHEET_QUERIES = ["identity", "density_profile", "zones", "zone_projects", "context", "structures",
                 "projects_by_stage", "iae_by_siae_type", "network_here", "comparison", "communes_map",
                 "commune_projects"]


def sheet(choice: Choice, params: dict, *, run: Runner, gal_loaded: bool | None = None) -> Sheet:
    """Every section of a territory's sheet, in the issue's order.

    params: the filter parameters (filters.Filters.params()); run: a runner that applies the viewer's
    disclosure policy (the page passes data.load, tests the gateway and policy.Policy.apply);
    gal_loaded: whether GAL perimeters exist (imported or demo), else LEADER reads « non renseigné »;
    None: read it from the database (territoire/families_loaded)."""
    p = {**params, **choice.params()}
    rows = {name: run(f"territoire/{name}", p) for name in SHEET_QUERIES}
    if gal_loaded is None:
        gal_loaded = "leader" in set(run("territoire/families_loaded", {})["family"])
    period = period_text(params["year_from"], params["year_to"])
    here = network_row(rows["network_here"], choice)
    zones = zonings_section(rows["zones"], rows["zone_projects"], choice, period, gal_loaded=gal_loaded)
    withheld = here is None or any(int(rows[q].attrs.get("hidden_rows", 0) or 0) for q in SHEET_QUERIES)
    return Sheet(choice, period, (
        identity_section(rows["identity"], rows["density_profile"]),
        zones,
        context_section(rows["context"]),
        network_section(rows["structures"], rows["projects_by_stage"], rows["iae_by_siae_type"], here,
                        zones.data["zones"], choice, period, params["year_to"]),
        comparison_section(rows["comparison"], here, choice, period),
        map_section(rows["communes_map"], rows["commune_projects"], choice, here),
    ), withheld=withheld)


# ---------------------------------------------------------------- carnet de projets

@dataclass(frozen=True)
class Card:
    project_id: str
    title: str
    subtitle: str                          # structure or place, whichever the grouping does not show
    lines: tuple[tuple[str, str], ...]     # (label, value) in card order
    zonings: tuple[str, ...]               # badges: contracts and zonings the project sits in


@dataclass(frozen=True)
class Group:
    title: str
    cards: tuple[Card, ...]


def _date(v) -> str:
    return fmt.date(v) if not _missing(v) and v is not pd.NaT else "–"


def card_zonings(r) -> tuple[str, ...]:
    """The contracts and zonings of a carnet row, as short French badges."""
    out = []
    if not _missing(r.qpv_name):
        out.append(f"QPV {r.qpv_name}")
    if not _missing(r.ville_names):
        out.append(f"Contrat de ville : {r.ville_names}")
    elif not _missing(r.contrat_ville_name):
        # the commune is under the contract, the project is not in one of its QPV: the looser figure
        out.append(f"Commune du contrat de ville {r.contrat_ville_name} (projet hors QPV)")
    if not _missing(r.ruralite_names):
        out.append(f"CRTE à dominante rurale : {r.ruralite_names}")
    if r.is_rural:
        out.append("Commune rurale")
    if r.is_frr:
        out.append("FRR")
    if r.is_pvd:
        out.append("Petite ville de demain")
    if r.is_acv:
        out.append("Action cœur de ville")
    if not _missing(r.leader_names):
        out.append(f"GAL : {r.leader_names}")
    return tuple(out)


def card(r, by: str) -> Card:
    place = f"{r.commune_name} ({r.dep_code})"
    territories = " · ".join(x for x in (None if _missing(r.epci_name) else r.epci_name, r.dep_name, r.reg_name)
                             if x)
    iae = "non"
    if r.is_iae:
        iae = "oui" + ("" if _missing(r.siae_type) else f", {r.siae_type} ({vocab.SIAE_TYPES[r.siae_type].name})"
                       if r.siae_type in vocab.SIAE_TYPES else f", {r.siae_type}")
    jobs = "–" if _missing(r.jobs_etp) else f"{fmt.number(r.jobs_etp, 1)} ETP"
    if r.is_iae and not _missing(r.insertion_jobs_etp):
        jobs += f" ; postes d'insertion : {fmt.number(r.insertion_jobs_etp, 1)} ETP"
    lines = (
        ("Structure", r.structure_name),
        ("Commune", place),
        ("Territoires", territories),
        ("Secteur", r.sector if not _missing(r.sector) else "–"),
        ("Détection", _date(r.detected_on)),
        ("Étude d'opportunité", _date(r.study_on)),
        ("Création", _date(r.created_on)),
        ("IAE", iae),
        ("Emplois", jobs),
        ("Programme", r.programme if not _missing(r.programme) else "–"),
    )
    subtitle = place if by == "structure" else r.structure_name
    return Card(r.project_id, r.title, subtitle, lines, card_zonings(r))


def carnet_groups(projects: pd.DataFrame, by: str) -> list[Group]:
    """The carnet's cards grouped by structure or by territory (région · département), in the query's order
    (queries/carnet/projects.sql with the same $group_by)."""
    if by not in CARNET_GROUPINGS:
        raise ValueError(by)
    groups: dict[str, list[Card]] = {}
    for r in projects.itertuples():
        key = r.structure_name if by == "structure" else f"{r.reg_name} · {r.dep_name} ({r.dep_code})"
        groups.setdefault(key, []).append(card(r, by))
    return [Group(f"{k} ({fmt.number(len(v))} {_plural(len(v), 'création', 'créations')})", tuple(v))
            for k, v in groups.items()]


CARNET_PAGE_SIZE = 60    # cards per page: at 100x data the carnet holds 49,000 created projects


def _group_keys(projects: pd.DataFrame, by: str) -> pd.Series:
    if by == "structure":
        return projects["structure_name"].astype(str)
    return projects["reg_name"].astype(str) + " · " + projects["dep_name"].astype(str) + " (" \
        + projects["dep_code"].astype(str) + ")"


def carnet_page(projects: pd.DataFrame, by: str, page: int, size: int = CARNET_PAGE_SIZE) -> tuple[list[Group], int, int]:
    """The cards of one page of the carnet, grouped as carnet_groups groups them (each group titled with its
    whole count, also when it runs over several pages); returns (groups, page shown, number of pages).
    Only the page's cards are built: the carnet can hold tens of thousands of projects."""
    if by not in CARNET_GROUPINGS:
        raise ValueError(by)
    pages = max(1, math.ceil(len(projects) / size))
    page = max(1, min(int(page), pages))
    keys = _group_keys(projects, by)
    totals = keys.value_counts()
    first = (page - 1) * size
    shown = projects.iloc[first:first + size]
    groups: dict[str, list[Card]] = {}
    for key, r in zip(keys.iloc[first:first + size], shown.itertuples()):
        groups.setdefault(key, []).append(card(r, by))
    out = []
    for key, cards in groups.items():
        n = int(totals[key])
        more = " (suite)" if first > 0 and key == keys.iloc[first] and keys.iloc[first - 1] == key else ""
        out.append(Group(f"{key} ({fmt.number(n)} {_plural(n, 'création', 'créations')}){more}", tuple(cards)))
    return out, page, pages


def parse_grouping(raw: str | None) -> tuple[str, str | None]:
    """The carnet's grouping from the URL, 'structure' by default, with a French notice when refused."""
    if raw is None or not str(raw).strip():
        return "structure", None
    v = str(raw).strip().lower()
    if v in CARNET_GROUPINGS:
        return v, None
    return "structure", (f"Paramètre « {URL_GROUP} » ignoré : « {_show(raw)} » (valeurs possibles : "
                         + ", ".join(CARNET_GROUPINGS) + "). Regroupement par structure.")


# Columns of the carnet's XLSX export, in card order (French headers: export.LABELS).
CARNET_EXPORT_COLUMNS = [
    "project_id", "title", "structure_id", "structure_name", "insee_code", "commune_name", "epci_siren",
    "epci_name", "dep_code", "dep_name", "reg_code", "reg_name", "sector", "detected_on", "study_on",
    "created_on", "is_iae", "siae_type", "jobs_etp", "insertion_jobs_etp", "programme", "qpv_code", "qpv_name",
    "ville_names", "contrat_ville_name", "ruralite_names", "is_rural", "is_frr", "is_pvd", "is_acv", "leader_names",
]


def carnet_export(projects: pd.DataFrame) -> pd.DataFrame:
    """The carnet's rows for export.to_xlsx_bytes (typed values; headers translated by export.LABELS)."""
    return projects[CARNET_EXPORT_COLUMNS].reset_index(drop=True)

"""Read LEADER GAL perimeters as regions publish them into (gal_id, gal_name, insee_code).

A CSV or a workbook (its first filled sheet), one row per commune (INSEE code, or name with the
département) or per EPCI (SIREN, or name): the headers, encodings, limits and located problems of
the main import (fabrique.importer). Any error refuses the whole file: a GAL import is atomic.
"""
from __future__ import annotations

import contextlib
import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from . import reference
from .importer import (_Bad, _State, commune_dep, commune_label, display, name_key, parse_departement,
                       resolve_commune)
from .problems import ERROR, WARNING, Problem, ProblemLog, problem
from .sheets import Formula, Sheet, SheetRefused, is_empty, normalize_label, read_table

# Accepted headers (normalised: case, accents, spaces and hyphens ignored), in order of preference.
ALIASES = {
    "gal_id": ["gal_id", "id_gal", "code_gal", "identifiant_gal", "numero_gal", "identifiant", "code"],
    "gal_name": ["gal_name", "nom_gal", "nom_du_gal", "libelle_gal", "lib_gal", "gal", "nom", "libelle"],
    "commune_code": ["insee_code", "code_insee", "code_commune", "insee", "codgeo", "code_insee_commune"],
    "commune_name": ["commune", "nom_commune", "libelle_commune", "nom_de_la_commune"],
    "departement": ["departement", "code_departement", "dep", "dep_code", "num_departement"],
    "epci_siren": ["epci_siren", "siren_epci", "siren", "code_epci", "siren_de_l_epci"],
    "epci_name": ["epci", "nom_epci", "epci_nom", "libelle_epci", "intercommunalite", "nom_de_l_epci"],
}
# A commune or an EPCI may be given by code or by name, each in its own column: the code wins.
_EITHER = {"commune": ("commune_code", "commune_name"), "epci": ("epci_siren", "epci_name")}
OUTPUT_COLUMNS = ["gal_id", "gal_name", "insee_code"]

# Long forms of EPCI kinds, as regions write them, mapped to the short forms of the reference list.
_EPCI_KINDS = [
    ("communaute de communes", "cc"), ("communaute d agglomeration", "ca"), ("communaute urbaine", "cu"),
]


@dataclass
class GalResult:
    table: pd.DataFrame                              # gal_id, gal_name, insee_code (one row per pair)
    problems: list[Problem] = field(default_factory=list)
    n_errors: int = 0
    n_warnings: int = 0

    @property
    def ok(self) -> bool:
        return self.n_errors == 0

    @property
    def n_gal(self) -> int:
        return self.table["gal_id"].nunique()


def _epci_key(name: str, bare: bool = False) -> str:
    """Name key of an EPCI; bare: without its kind (« CA Quimper Bretagne Occidentale » = « Quimper
    Bretagne Occidentale »)."""
    s = " ".join(t for t in re.split(r"[^0-9a-z]+", normalize_label(name)) if t)
    for long, short in _EPCI_KINDS:
        s = s.replace(long, short)
    if bare:
        s = re.sub(r"^(cc|ca|cu) ", "", s)
    return name_key(s)


@lru_cache(maxsize=1)
def _epci() -> tuple[dict[str, str], dict[str, list[str]], dict[str, list[str]], dict[str, list[str]]]:
    """(SIREN -> name, name key -> SIRENs, bare name key -> SIRENs, SIREN -> member communes)."""
    e = reference.read("epci.csv")
    names = dict(zip(e["epci_siren"], e["epci_name"]))
    by_key: dict[str, list[str]] = {}
    by_bare: dict[str, list[str]] = {}
    for siren, name in names.items():
        by_key.setdefault(_epci_key(name), []).append(siren)
        by_bare.setdefault(_epci_key(name, bare=True), []).append(siren)
    communes = reference.cog_communes()
    members = communes.groupby("epci_siren")["insee_code"].apply(list).to_dict()
    return names, by_key, by_bare, members


def resolve_epci(v: Any) -> str:
    """The SIREN of an EPCI given by SIREN (9 digits) or by name (« Communauté de communes du … » is
    « CC du … »; the kind may be left out)."""
    names, by_key, by_bare, _ = _epci()
    s = re.sub(r"[\s\u00a0\u202f.]", "", display(v) or "")
    if re.fullmatch(r"\d+", s):
        if s in names:
            return s
        raise _Bad("EPCI inconnu (SIREN des EPCI au 1er janvier 2026)" if len(s) == 9 else
                   "SIREN d'EPCI invalide (9 chiffres attendus)")
    key = _epci_key(display(v) or "")
    hits = by_key.get(key) or by_bare.get(_epci_key(display(v) or "", bare=True), [])
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise _Bad("plusieurs EPCI portent ce nom : indiquer le SIREN",
                   ", ".join(f"{names[h]} ({h})" for h in hits))
    bare = _epci_key(display(v) or "", bare=True)

    def near() -> str | None:
        close = difflib.get_close_matches(bare, list(by_bare), n=3, cutoff=0.6)
        return ", ".join(f"{names[h]} ({h})" for k in close for h in by_bare[k]) or None
    raise _Bad("EPCI inconnu (noms des EPCI au 1er janvier 2026)", near)


def _columns(header: list[Any]) -> dict[str, int]:
    keys = {}
    for i, h in enumerate(header):
        if not is_empty(h):
            keys.setdefault(normalize_label(h), i)
    found = {}
    for fld, names in ALIASES.items():
        for a in names:
            if a in keys and keys[a] not in found.values():
                found[fld] = keys[a]
                break
    return found


def read_gal_file(path: Path | str) -> GalResult:
    """Validated GAL perimeters (one row per gal_id and commune) and every problem found, located."""
    path = Path(path)
    log = ProblemLog()
    rows: list[tuple[str, str, str]] = []
    with contextlib.ExitStack() as stack:
        table, problems = read_table(path, stack)
        log.extend(problems)
        if table is not None:
            try:
                data = table.load()
            except SheetRefused as exc:  # past a limit, or unreadable
                log.add(problem(table.file, exc.rule, table.sheet, suggestion=exc.suggestion))
            else:
                rows = _validate(table, data, log)
    out = pd.DataFrame(rows, columns=OUTPUT_COLUMNS).drop_duplicates(["gal_id", "insee_code"])
    if log.n_errors == 0 and out.empty:
        log.add(problem(path.name, "aucun périmètre de GAL lu : le fichier ne contient aucune ligne remplie"))
    if log.n_errors:
        out = out.iloc[0:0]
    return GalResult(out.reset_index(drop=True), log.kept, log.n_errors, log.n_warnings)


def _validate(table: Sheet, data: list[tuple[int, tuple]], log: ProblemLog) -> list[tuple[str, str, str]]:
    cols = _columns(table.header)
    header = {fld: str(table.header[i]).strip() for fld, i in cols.items()}
    has = {what: any(f in cols for f in fields) for what, fields in _EITHER.items()}
    if ("gal_id" not in cols and "gal_name" not in cols) or not (has["commune"] or has["epci"]):
        log.add(problem(table.file, "colonnes attendues : identifiant ou nom du GAL (gal_id, gal_name), et "
                         "commune (code INSEE ou nom, avec departement) ou EPCI (SIREN ou nom) ; colonnes "
                         f"trouvées : {', '.join(str(h) for h in table.header if not is_empty(h))}", table.sheet))
        return []
    members = _epci()[3]
    state = _State()  # fuzzy suggestions only for the problems reported in full
    names: dict[str, str] = {}          # gal_id -> first name met
    owner: dict[str, tuple[str, int]] = {}  # commune -> (gal_id, row) of its first GAL
    out: list[tuple[str, str, str]] = []
    for number, cells in data:
        def cell(fld: str) -> Any:
            if fld in _EITHER:  # the code column, else the name column
                code, name = _EITHER[fld]
                return cell(code) if cell(code) is not None else cell(name)
            i = cols.get(fld)
            v = cells[i] if i is not None and i < len(cells) else None
            return None if is_empty(v) else v

        def column(fld: str) -> str | None:
            if fld in _EITHER:
                code, name = _EITHER[fld]
                return header.get(code) if cell(code) is not None or name not in header else header.get(name)
            return header.get(fld)

        def text(fld: str) -> str:
            v = cell(fld)
            return "" if v is None else (v.text if isinstance(v, Formula) else display(v) or "")

        gal_id, gal_name = text("gal_id"), text("gal_name")
        record = f"GAL {gal_name or gal_id}" if gal_name or gal_id else None
        row_problems: list[Problem] = []

        def add(fld: str | None, rule: str, value: Any = None, suggestion: str | None = None,
                level: str = ERROR) -> None:
            row_problems.append(problem(table.file, rule, table.sheet, row=number,
                                         column=column(fld) if fld else None, value=value,
                                         suggestion=suggestion, level=level, record=record))

        for fld in cols:
            if isinstance(cell(fld), Formula):
                add(fld, "formule non acceptée : saisir la valeur elle-même", cell(fld).text)
        if row_problems:  # values are read, never computed: nothing else to check on this row
            log.extend(row_problems)
            continue
        if "gal_id" in cols and not gal_id:
            add("gal_id", "identifiant de GAL manquant")
        if not gal_id and not gal_name:
            add("gal_name" if "gal_name" in cols else "gal_id", "ni identifiant ni nom de GAL")
        gal_key = gal_id or "GAL-" + normalize_label(gal_name).upper().replace("_", "-")
        dep = None
        if cell("departement") is not None:
            try:
                dep = parse_departement(cell("departement"))
            except _Bad as exc:
                add("departement", exc.rule, text("departement"), state.suggest(exc))
        communes: list[str] = []
        siren = None
        if cell("epci") is not None:
            try:
                siren = resolve_epci(cell("epci"))
            except _Bad as exc:
                add("epci", exc.rule, text("epci"), state.suggest(exc))
        if cell("commune") is not None:
            try:
                code = resolve_commune(cell("commune"), dep)
            except _Bad as exc:
                add("commune", exc.rule, text("commune"), state.suggest(exc))
            else:
                communes = [code]
                if dep and commune_dep(code) != dep:
                    add("departement", f"département incohérent avec la commune {commune_label(code)}, "
                        f"située dans le département {commune_dep(code)}", text("departement"))
                if siren and code not in members.get(siren, []):
                    add("epci", f"la commune {commune_label(code)} n'appartient pas à cet EPCI : la commune "
                        "seule est retenue", text("epci"), level=WARNING)
        elif siren:
            communes = members.get(siren, [])
        elif not any(p.is_error for p in row_problems):
            add(None, "ni commune ni EPCI renseigné")
        if gal_key in names and gal_name and names[gal_key] and gal_name != names[gal_key]:
            add("gal_name", f"nom différent pour le même GAL (« {names[gal_key]} » plus haut) : le premier "
                "est retenu", gal_name, level=WARNING)
        log.extend(row_problems)
        if any(p.is_error for p in row_problems):
            continue
        names.setdefault(gal_key, gal_name)
        for code in communes:
            first = owner.setdefault(code, (gal_key, number))
            if first[0] != gal_key:
                log.add(problem(table.file, f"commune {commune_label(code)} déjà dans le GAL {first[0]} "
                                 f"(ligne {first[1]}) : elle compte dans les deux", table.sheet, row=number,
                                 column=column("commune") or column("epci"), record=record, level=WARNING))
            out.append((gal_key, names[gal_key] or gal_key, code))
    return out

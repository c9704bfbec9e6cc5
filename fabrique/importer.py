"""Read and validate import files (XLSX workbook or one CSV per sheet) against fabrique.schema.

Entry point: ``import_files(paths) -> ImportResult``. Nothing here raises on bad input: every
defect of a file, a sheet, a row or a cell becomes a ``Problem`` (French message), every row with
a problem goes to ``ImportResult.rejected`` and only valid rows reach ``ImportResult.records``.
"""
from __future__ import annotations

import csv
import difflib
import io
import json
import math
import re
import unicodedata
import warnings
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

from . import reference, schema
from .schema import Column

# ----------------------------------------------------------------------------------------------
# Result types


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int | None          # row number as Excel shows it (header = 1, first data row = 2)
    column: str | None       # canonical French header
    value: str | None        # the offending value as typed
    rule: str                # French sentence, no final full stop
    suggestion: str | None = None

    def message(self) -> str:
        where = [self.file] if self.file else []
        if self.sheet:
            where.append(f"feuille « {self.sheet} »")
        if self.row is not None:
            where.append(f"ligne {self.row}")
        if self.column:
            where.append(f"colonne « {self.column} »")
        what = f"« {self.value} » — {self.rule}" if self.value not in (None, "") else self.rule
        msg = f"{', '.join(where)} : {what}" if where else what
        if not msg.endswith("."):
            msg += "."
        if self.suggestion:
            msg += f" Suggestion : {self.suggestion}."
        return msg


# English output tables: column -> dtype ("object" columns hold None for missing values).
OUTPUT_COLUMNS: dict[str, dict[str, str]] = {
    "structures": {
        "structure_id": "str", "name": "str", "status": "str", "joined_year": "Int64",
        "appellation_year": "Int64", "insee_code": "str", "exit_year": "Int64",
    },
    "structure_departments": {"structure_id": "str", "dep_code": "str"},
    "projects": {
        "project_id": "str", "structure_id": "str", "title": "str", "sector": "str",
        "insee_code": "str", "qpv_code": "object", "stage": "str", "abandon_stage": "object",
        "detected_on": "object", "study_on": "object", "created_on": "object",
        "abandoned_on": "object", "abandon_reason": "object", "is_iae": "bool",
        "siae_type": "object", "jobs_etp": "float64", "insertion_jobs_etp": "float64",
        "programme": "object", "lon": "float64", "lat": "float64",
    },
    "annual_activity": {
        "structure_id": "str", "year": "Int64", "creativity_sessions": "Int64",
        "opportunity_studies": "Int64", "partners": "Int64",
    },
}
REJECTED_COLUMNS = ["sheet", "row", "values", "problems"]


@dataclass
class ImportResult:
    records: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))

    @property
    def ok(self) -> bool:
        return not self.problems


def empty_records() -> dict[str, pd.DataFrame]:
    return {name: build_frame(name, []) for name in OUTPUT_COLUMNS}


def build_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A DataFrame with exactly the columns and dtypes of OUTPUT_COLUMNS[table]."""
    data = {}
    for col, dtype in OUTPUT_COLUMNS[table].items():
        values = [r.get(col) for r in rows]
        if dtype == "object":
            data[col] = pd.Series(values, dtype=object)
        elif dtype == "float64":
            data[col] = pd.Series([float("nan") if v is None else float(v) for v in values],
                                  dtype="float64")
        else:
            data[col] = pd.Series(values, dtype=object).astype(dtype)
    return pd.DataFrame(data, columns=list(OUTPUT_COLUMNS[table]))


# ----------------------------------------------------------------------------------------------
# Normalisation helpers


@lru_cache(maxsize=65536)
def _normalize(s: str) -> str:
    s = unicodedata.normalize("NFKD", s).replace("œ", "oe").replace("Œ", "oe")
    s = s.replace("æ", "ae").replace("Æ", "ae")
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).strip().lower()
    s = re.sub(r"[\s\-'’`‐‑–]+", "_", s)
    return re.sub(r"_+", "_", s).strip("_")


def normalize_label(value: Any) -> str:
    """Header / label key: trimmed, lower case, no accents, spaces, hyphens and apostrophes as '_'."""
    return _normalize(str(value))


def name_key(value: Any) -> str:
    """Commune name key: case, accents, punctuation and 'st'/'ste' abbreviations ignored."""
    s = normalize_label(value)
    tokens = [t for t in re.split(r"[^0-9a-z]+", s) if t]
    tokens = ["saint" if t == "st" else "sainte" if t == "ste" else t for t in tokens]
    return "".join(tokens)


class _Bad(Exception):
    """A cell value that breaks a rule."""

    def __init__(self, rule: str, suggestion: str | None = None):
        super().__init__(rule)
        self.rule = rule
        self.suggestion = suggestion


_INVALID = object()  # parsed value of a cell that had a problem


def _ok(v: Any) -> bool:
    return v is not None and v is not _INVALID


def _is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


def display(v: Any) -> str | None:
    """A cell value as a person would read it (problem reports)."""
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.strftime("%d/%m/%Y") if v.time() == time(0) else v.strftime("%d/%m/%Y %H:%M")
    if isinstance(v, date):
        return v.strftime("%d/%m/%Y")
    if isinstance(v, bool):
        return "VRAI" if v else "FAUX"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _current_year() -> int:
    return date.today().year


# ----------------------------------------------------------------------------------------------
# Cell parsers (raise _Bad)

_SPACES = re.compile(r"[\s\u00a0\u202f\u2007]+")
_NUMBER = re.compile(r"^-?(\d+(\.\d*)?|\.\d+)$")


def parse_text(v: Any) -> str:
    if isinstance(v, bool):
        return "oui" if v else "non"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, datetime):
        return v.date().isoformat() if v.time() == time(0) else v.isoformat()
    if isinstance(v, date):
        return v.isoformat()
    return str(v).strip()


def parse_decimal(v: Any) -> float:
    if isinstance(v, bool) or isinstance(v, (date, datetime)):
        raise _Bad("nombre invalide")
    if isinstance(v, (int, float)):
        num = float(v)
        if num != num or num in (float("inf"), float("-inf")):
            raise _Bad("nombre invalide")
    else:
        s = _SPACES.sub("", str(v))
        if "," in s and "." in s:
            raise _Bad("nombre invalide (utiliser la virgule seulement pour les décimales)")
        s = s.replace(",", ".")
        if not _NUMBER.match(s):
            raise _Bad("nombre invalide")
        num = float(s)
    if not math.isfinite(num) or abs(num) > 1e9:
        raise _Bad("nombre invalide (trop grand)")
    if num < 0:
        raise _Bad("nombre négatif non accepté")
    return num


def parse_int(v: Any) -> int:
    num = parse_decimal(v)
    if not num.is_integer():
        raise _Bad("nombre entier attendu")
    return int(num)


def parse_year(v: Any) -> int:
    if isinstance(v, (date, datetime)):
        raise _Bad("année invalide (attendu AAAA)")
    try:
        y = parse_int(v)
    except _Bad:
        raise _Bad("année invalide (attendu AAAA)") from None
    hi = _current_year() + 1
    if not schema.MIN_YEAR <= y <= hi:
        raise _Bad(f"année hors de la plage {schema.MIN_YEAR}-{hi}")
    return y


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_FR_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_SERIAL = re.compile(r"^\d{1,7}(?:[.,]\d+)?$")
_BAD_DATE = "date invalide (attendu JJ/MM/AAAA ou AAAA-MM-JJ)"


def _from_serial(num: float) -> date:
    from openpyxl.utils.datetime import from_excel

    if not 1 <= num < 2958466:
        raise _Bad(_BAD_DATE)
    return from_excel(num).date()


def parse_date(v: Any) -> date:
    if isinstance(v, bool):
        raise _Bad(_BAD_DATE)
    if isinstance(v, datetime):
        d = v.date()
    elif isinstance(v, date):
        d = v
    elif isinstance(v, (int, float)):
        d = _from_serial(float(v))
    else:
        s = str(v).strip()
        try:
            if m := _ISO_DATE.match(s):
                d = date(int(m[1]), int(m[2]), int(m[3]))
            elif m := _FR_DATE.match(s):
                d = date(int(m[3]), int(m[2]), int(m[1]))
            elif _SERIAL.match(s):
                d = _from_serial(float(s.replace(",", ".")))
            else:
                raise _Bad(_BAD_DATE)
        except ValueError:
            raise _Bad(_BAD_DATE) from None
    hi = _current_year() + 1
    if not schema.MIN_YEAR <= d.year <= hi:
        raise _Bad(f"date hors de la plage {schema.MIN_YEAR}-{hi}")
    return d


_TRUE = {"oui", "o", "vrai", "true", "yes", "y", "1"}
_FALSE = {"non", "n", "faux", "false", "no", "0"}


def parse_bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    key = normalize_label(display(v))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise _Bad("valeur non reconnue (attendu oui ou non)")


@lru_cache(maxsize=256)
def _enum_lookup(choices: tuple[str, ...]) -> dict[str, str]:
    return {normalize_label(c): c for c in choices}


def parse_enum(v: Any, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    lookup = _enum_lookup(choices)
    key = normalize_label(parse_text(v))
    if key in lookup:
        return lookup[key]
    close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6)
    raise _Bad(f"valeur non autorisée (valeurs possibles : {', '.join(choices)})",
               lookup[close[0]] if close else None)


# --- départements and communes (reference data)


@lru_cache(maxsize=1)
def _departements() -> tuple[dict[str, str], dict[str, str]]:
    """(code -> name, name key -> code) for the 101 départements (COM pseudo-codes excluded)."""
    deps = reference.read("departements.csv")
    deps = deps[deps["zone"] != "com"]
    names = dict(zip(deps["dep_code"], deps["dep_name"]))
    return names, {name_key(n): c for c, n in names.items()}


def parse_departement(v: Any) -> str:
    names, by_name = _departements()
    s = parse_text(v).upper()
    if re.fullmatch(r"\d", s):
        s = "0" + s
    if s in names:
        return s
    key = name_key(s)
    if key in by_name:
        return by_name[key]
    close = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.75)
    raise _Bad("département inconnu",
               f"{names[by_name[close[0]]]} ({by_name[close[0]]})" if close else None)


def parse_dep_list(v: Any) -> list[str]:
    codes, bad = [], []
    for token in re.split(r"[;,]", parse_text(v)):
        token = token.strip()
        if not token:
            continue
        try:
            code = parse_departement(token)
        except _Bad:
            bad.append(token)
            continue
        if code not in codes:
            codes.append(code)
    if bad:
        raise _Bad(f"code(s) département inconnu(s) : {', '.join(bad)}")
    if not codes:
        raise _Bad("aucun code département lisible")
    return codes


@dataclass
class _CommuneIndex:
    names: dict[str, tuple[str, str]]            # code -> (name, dep_code), COG communes only
    by_key: dict[str, list[str]]                 # name key -> codes
    by_dep_key: dict[tuple[str, str], list[str]]  # (dep, name key) -> codes
    keys_by_dep: dict[str, list[str]]
    history: dict[str, list[str]]                # old code -> current codes
    history_names: dict[str, str]                # old code -> old name
    hist_by_dep_key: dict[tuple[str, str], list[str]]  # (dep, old name key) -> current codes
    com_codes: set[str]                          # overseas collectivities (outside the COG)


@lru_cache(maxsize=1)
def _communes() -> _CommuneIndex:
    cog = reference.cog_communes()
    names = {c: (n, d) for c, n, d in zip(cog["insee_code"], cog["commune_name"], cog["dep_code"])}
    by_key: dict[str, list[str]] = defaultdict(list)
    by_dep_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    keys_by_dep: dict[str, set[str]] = defaultdict(set)
    for code, (name, dep) in names.items():
        k = name_key(name)
        by_key[k].append(code)
        by_dep_key[(dep, k)].append(code)
        keys_by_dep[dep].add(k)
    hist = reference.read("communes_history.csv")
    history: dict[str, list[str]] = defaultdict(list)
    history_names: dict[str, str] = {}
    hist_by_dep_key: dict[tuple[str, str], list[str]] = defaultdict(list)
    for old, old_name, new in zip(hist["old_insee_code"], hist["old_name"], hist["insee_code"]):
        if new not in names:
            continue
        if new not in history[old]:
            history[old].append(new)
        history_names[old] = old_name
        key = (names[new][1], name_key(old_name))
        if new not in hist_by_dep_key[key]:
            hist_by_dep_key[key].append(new)
    all_communes = reference.read("communes.csv")
    com_codes = set(all_communes.loc[all_communes["zone"] == "com", "insee_code"])
    return _CommuneIndex(names, dict(by_key), dict(by_dep_key),
                         {d: sorted(k) for d, k in keys_by_dep.items()}, dict(history),
                         history_names, dict(hist_by_dep_key), com_codes)


def commune_label(code: str) -> str:
    name = _communes().names[code][0]
    return f"{name} ({code})"


def commune_dep(code: str) -> str:
    return _communes().names[code][1]


_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def resolve_commune(v: Any, dep: str | None = None) -> str:
    """Current COG code of a commune given by code (current, old, or 4 digits) or by name."""
    idx = _communes()
    s = parse_text(v).upper()
    if re.fullmatch(r"[\d\s]+", s):
        s = _SPACES.sub("", s)
    if re.fullmatch(r"\d{4}", s):
        s = "0" + s  # Excel dropped the leading zero
    if _CODE.match(s):
        if s in idx.names:
            return s
        if s in idx.history:
            targets = idx.history[s]
            if len(targets) == 1:
                return targets[0]
            raise _Bad(f"code commune ambigu : l'ancienne commune {idx.history_names[s]} ({s}) a été "
                       "partagée entre plusieurs communes actuelles",
                       " ou ".join(commune_label(c) for c in targets))
        if s in idx.com_codes:
            raise _Bad("commune d'une collectivité d'outre-mer, hors du périmètre (COG)")
        raise _Bad("code commune inconnu")
    if re.fullmatch(r"\d+", s):
        raise _Bad("code commune invalide (5 caractères attendus)")
    key = name_key(s)
    if not key:
        raise _Bad("commune inconnue")
    if dep:
        hits = idx.by_dep_key.get((dep, key)) or idx.hist_by_dep_key.get((dep, key), [])
        if len(hits) == 1:
            return hits[0]
        if hits:
            raise _Bad(f"plusieurs communes portent ce nom dans le département {dep} : "
                       "indiquer le code INSEE", ", ".join(commune_label(c) for c in hits))
        close = difflib.get_close_matches(key, idx.keys_by_dep.get(dep, []), n=3, cutoff=0.6)
        codes = [c for k in close for c in idx.by_dep_key[(dep, k)]]
        raise _Bad(f"commune inconnue dans le département {dep}",
                   ", ".join(commune_label(c) for c in codes) or None)
    hits = idx.by_key.get(key, [])
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise _Bad("nom porté par plusieurs communes : indiquer le département (colonne departement) "
                   "ou le code INSEE", ", ".join(commune_label(c) for c in hits[:6]))
    old = {c for (d, k), cs in idx.hist_by_dep_key.items() if k == key for c in cs}
    if len(old) == 1:
        return old.pop()
    close = difflib.get_close_matches(key, list(idx.by_key), n=3, cutoff=0.7)
    codes = [c for k in close for c in idx.by_key[k]][:6]
    raise _Bad("commune inconnue", ", ".join(commune_label(c) for c in codes) or None)


@lru_cache(maxsize=1)
def _qpv_codes() -> frozenset[str]:
    return frozenset(reference.read("qpv_2024_communes.csv")["qpv_code"])


def parse_qpv(v: Any) -> str:
    s = _SPACES.sub("", parse_text(v)).upper()
    if not re.match(schema.QPV_PATTERN, s):
        raise _Bad("code QPV invalide (format attendu QN + 3 caractères + 2 chiffres + 1 lettre, "
                   "ex. QN02902M)")
    if s not in _qpv_codes():
        raise _Bad("code QPV inconnu dans la liste des QPV 2024")
    return s


# ----------------------------------------------------------------------------------------------
# Reading files


@dataclass
class _Cell:
    value: Any
    formula: str | None = None


@dataclass
class _RawSheet:
    file: str
    sheet: str
    header: list[Any]
    rows: list[tuple[int, list[_Cell]]]


def _problem(file: str, rule: str, sheet: str = "", **kw: Any) -> Problem:
    return Problem(file=file, sheet=sheet, row=kw.get("row"), column=kw.get("column"),
                   value=kw.get("value"), rule=rule, suggestion=kw.get("suggestion"))


def _sheet_for_stem(stem: str) -> str | None:
    key = normalize_label(stem)
    if key in schema.SHEET_ORDER:
        return key
    hits = [s for s in schema.SHEET_ORDER if re.search(rf"(^|_){s}($|_)", key)]
    return hits[0] if len(hits) == 1 else None


def _read_csv(path: Path, label: str) -> tuple[list[_RawSheet], list[Problem]]:
    sheet = _sheet_for_stem(path.stem)
    if sheet is None:
        return [], [_problem(label, "nom de fichier CSV non reconnu : le nom doit être celui de la "
                             "feuille", suggestion="structures.csv, projets.csv ou activite.csv")]
    try:
        data = path.read_bytes()
    except OSError as exc:
        return [], [_problem(label, f"fichier illisible ({exc.strerror or exc})", sheet)]
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return [], [_problem(label, "fichier vide", sheet)]
    if data[:4] == b"PK\x03\x04":
        return [], [_problem(label, "fichier illisible : c'est un classeur Excel, pas un CSV", sheet,
                             suggestion="renommer le fichier avec l'extension .xlsx")]
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None or re.search(r"[\x00-\x08\x0e-\x1f\x7f]", text):
        return [], [_problem(label, "fichier illisible : ce n'est pas un fichier texte CSV", sheet)]
    first = text.splitlines()[0] if text.splitlines() else ""
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
    except csv.Error as exc:
        return [], [_problem(label, f"fichier illisible : CSV mal formé ({exc})", sheet)]
    if not records:
        return [], [_problem(label, "fichier vide", sheet)]
    rows = [(i + 2, [_Cell(v) for v in rec]) for i, rec in enumerate(records[1:])]
    return [_RawSheet(label, sheet, list(records[0]), rows)], []


def _cell(c: Any) -> _Cell:
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    v = c.value
    if isinstance(v, ArrayFormula):
        return _Cell(v, formula=str(v.text))
    if isinstance(v, DataTableFormula):
        return _Cell(v, formula="=TABLE()")
    if getattr(c, "data_type", None) == "f":
        return _Cell(v, formula=str(v))
    return _Cell(v)


def _read_xlsx(path: Path, label: str) -> tuple[list[_RawSheet], list[Problem]]:
    import openpyxl

    try:
        with warnings.catch_warnings():  # e.g. "Data Validation extension is not supported"
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, data_only=False)
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported, never raised
        return [], [_problem(label, f"fichier illisible : ce n'est pas un classeur Excel valide "
                             f"({type(exc).__name__})")]
    sheets: list[_RawSheet] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    try:
        for ws in wb.worksheets:
            key = normalize_label(ws.title)
            if key not in schema.SHEET_ORDER or not hasattr(ws, "iter_rows"):
                continue  # mode_d_emploi, listes and any other sheet are not data
            if key in seen:
                problems.append(_problem(label, f"onglet en double (« {ws.title} ») : ignoré", key))
                continue
            seen.add(key)
            all_rows = list(ws.iter_rows(min_row=1))
            if not all_rows or all(_is_empty(c.value) for c in all_rows[0]):
                problems.append(_problem(label, "feuille vide : la ligne 1 doit contenir les en-têtes",
                                         key))
                continue
            header = [c.value for c in all_rows[0]]
            rows = [(r[0].row, [_cell(c) for c in r]) for r in all_rows[1:] if r]
            sheets.append(_RawSheet(label, key, header, rows))
    finally:
        wb.close()
    return sheets, problems


def read_files(paths: Iterable[Path | str]) -> tuple[dict[str, _RawSheet], list[Problem]]:
    found: dict[str, _RawSheet] = {}
    problems: list[Problem] = []
    labels: list[str] = []
    for p in paths:
        path = Path(p)
        label = path.name
        labels.append(label)
        ext = path.suffix.lower()
        if not path.is_file():
            problems.append(_problem(label, "fichier introuvable"))
            continue
        if ext in (".xlsx", ".xlsm"):
            sheets, probs = _read_xlsx(path, label)
        elif ext == ".csv":
            sheets, probs = _read_csv(path, label)
        elif ext == ".xls":
            sheets, probs = [], [_problem(label, "format .xls non pris en charge",
                                          suggestion="enregistrer le classeur au format .xlsx")]
        else:
            sheets, probs = [], [_problem(label, f"extension « {ext or '(aucune)'} » non prise en "
                                          "charge (attendu .xlsx ou .csv)")]
        problems.extend(probs)
        for raw in sheets:
            if raw.sheet in found:
                problems.append(_problem(label, f"feuille « {raw.sheet} » déjà fournie par "
                                         f"{found[raw.sheet].file} : ce doublon est ignoré", raw.sheet))
            else:
                found[raw.sheet] = raw
    file_label = ", ".join(labels)
    for sheet in schema.SHEET_ORDER:
        if sheet not in found and not any(p.sheet == sheet for p in problems):
            problems.append(_problem(file_label, "feuille absente (onglet ou fichier CSV manquant)",
                                     sheet))
    return found, problems


# ----------------------------------------------------------------------------------------------
# Validating sheets


@dataclass
class _Row:
    number: int
    raw: dict[str, Any]                  # header as written -> value (for `rejected`)
    values: dict[str, Any]               # canonical header -> parsed value / None / _INVALID
    typed: dict[str, Any]                # canonical header -> value as typed (for problems)
    problems: list[Problem] = field(default_factory=list)


def _map_headers(raw: _RawSheet) -> tuple[dict[str, int], list[Problem], bool]:
    cols = schema.SHEETS[raw.sheet]
    expected = {c.header for c in cols}
    colmap: dict[str, int] = {}
    problems: list[Problem] = []
    unknown: dict[str, str] = {}  # normalised -> as written
    for i, h in enumerate(raw.header):
        if _is_empty(h):
            continue
        key = normalize_label(h)
        if key in expected:
            if key in colmap:
                problems.append(_problem(raw.file, "colonne en double : seule la première est lue",
                                         raw.sheet, column=key))
            else:
                colmap[key] = i
        else:
            unknown.setdefault(key, str(h).strip())
    usable = True
    for col in cols:
        if col.header in colmap:
            continue
        close = difflib.get_close_matches(col.header, list(unknown), n=1, cutoff=0.8)
        hint = f"renommer la colonne « {unknown[close[0]]} » en « {col.header} »" if close else None
        if col.required:
            usable = False
            problems.append(_problem(raw.file, "colonne obligatoire absente", raw.sheet,
                                     column=col.header, suggestion=hint))
        elif close:
            problems.append(_problem(raw.file, "colonne inconnue, ignorée", raw.sheet,
                                     column=unknown[close[0]], suggestion=hint))
    return colmap, problems, usable


_PARSERS = {
    "text": parse_text, "int": parse_int, "year": parse_year, "date": parse_date,
    "decimal": parse_decimal, "bool": parse_bool, "departement": parse_departement,
    "dep_list": parse_dep_list,
}


def _json_value(v: Any) -> Any:
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def _parse_rows(raw: _RawSheet, colmap: dict[str, int]) -> list[_Row]:
    cols = schema.SHEETS[raw.sheet]
    order = {c.header: i for i, c in enumerate(cols)}
    out: list[_Row] = []
    for number, cells in raw.rows:
        if all(_is_empty(c.value) and c.formula is None for c in cells):
            continue
        rawvals = {}
        for i, h in enumerate(raw.header):
            if _is_empty(h) or i >= len(cells):
                continue
            c = cells[i]
            rawvals.setdefault(str(h).strip(), _json_value(c.formula if c.formula else c.value))
        row = _Row(number, rawvals, {}, {})
        cell_problems: list[tuple[int, Problem]] = []

        def bad(col: Column, value: Any, rule: str, suggestion: str | None = None) -> None:
            cell_problems.append((order[col.header], _problem(
                raw.file, rule, raw.sheet, row=number, column=col.header, value=value,
                suggestion=suggestion)))

        deferred: list[tuple[Column, Any]] = []
        for col in cols:
            idx = colmap.get(col.header)
            cell = cells[idx] if idx is not None and idx < len(cells) else _Cell(None)
            if cell.formula is not None:
                row.typed[col.header] = cell.formula
                row.values[col.header] = _INVALID
                bad(col, cell.formula, "formule non acceptée : saisir la valeur elle-même")
                continue
            v = cell.value
            row.typed[col.header] = display(v)
            if _is_empty(v):
                row.values[col.header] = None
                if col.required:
                    bad(col, None, "valeur obligatoire manquante")
                continue
            if col.type == "commune":
                deferred.append((col, v))
                continue
            try:
                if col.type == "enum":
                    parsed = parse_enum(v, col.choices)
                elif col.header == "qpv":
                    parsed = parse_qpv(v)
                else:
                    parsed = _PARSERS[col.type](v)
            except _Bad as exc:
                row.values[col.header] = _INVALID
                bad(col, display(v), exc.rule, exc.suggestion)
            else:
                row.values[col.header] = parsed
        for col, v in deferred:  # communes last: they may use the departement column
            dep = row.values.get("departement")
            try:
                row.values[col.header] = resolve_commune(v, dep if _ok(dep) else None)
            except _Bad as exc:
                row.values[col.header] = _INVALID
                bad(col, display(v), exc.rule, exc.suggestion)
        cell_problems.sort(key=lambda t: t[0])
        row.problems = [p for _, p in cell_problems]
        out.append(row)
    return out


class _Checker:
    """Adds rule problems to a row."""

    def __init__(self, raw: _RawSheet, row: _Row):
        self.raw, self.row = raw, row

    def add(self, column: str, rule: str, suggestion: str | None = None, value: bool = True) -> None:
        self.row.problems.append(_problem(
            self.raw.file, rule, self.raw.sheet, row=self.row.number, column=column,
            value=self.row.typed.get(column) if value else None, suggestion=suggestion))


def _check_structure(c: _Checker, v: dict[str, Any]) -> None:
    status, joined, app = v["statut"], v["annee_entree"], v["annee_appellation"]
    if status == "appellation":
        if app is None:
            c.add("annee_appellation", "annee_appellation obligatoire pour le statut appellation",
                  value=False)
        elif _ok(app) and _ok(joined) and app < joined:
            c.add("annee_appellation", f"annee_appellation antérieure à annee_entree ({joined})")
    elif status == "expérimentation" and _ok(app):
        c.add("annee_appellation", "annee_appellation renseignée pour une structure en "
              "expérimentation", suggestion="passer le statut à appellation ou vider l'année")


def _check_project(c: _Checker, v: dict[str, Any]) -> None:
    stage = v["etape"]
    det, study, created, abandoned = (v[k] for k in ("date_detection", "date_etude",
                                                      "date_creation", "date_abandon"))
    # département of the commune
    code, dep = v["commune"], v["departement"]
    if _ok(code) and _ok(dep) and commune_dep(code) != dep:
        c.add("departement", f"département incohérent avec la commune {commune_label(code)}, "
              f"située dans le département {commune_dep(code)}")
    # dates in order
    if _ok(det) and _ok(study) and study < det:
        c.add("date_etude", "date_etude antérieure à date_detection")
    if _ok(created):
        if _ok(study) and created < study:
            c.add("date_creation", "date_creation antérieure à date_etude")
        elif _ok(det) and created < det:
            c.add("date_creation", "date_creation antérieure à date_detection")
    if _ok(det) and _ok(abandoned) and abandoned < det:
        c.add("date_abandon", "date_abandon antérieure à date_detection")
    # stage-dependent fields
    if stage == "créé" and created is None:
        c.add("date_creation", "date_creation obligatoire pour l'étape créé", value=False)
    if stage not in ("créé", None) and stage is not _INVALID and _ok(created):
        c.add("date_creation", "date_creation renseignée alors que l'étape n'est pas créé")
    if stage == "abandonné":
        if abandoned is None:
            c.add("date_abandon", "date_abandon obligatoire pour l'étape abandonné", value=False)
        if v["motif_abandon"] is None:
            c.add("motif_abandon", "motif_abandon obligatoire pour l'étape abandonné", value=False)
    elif _ok(stage):
        if _ok(abandoned):
            c.add("date_abandon", "date_abandon renseignée alors que l'étape n'est pas abandonné")
        if _ok(v["motif_abandon"]):
            c.add("motif_abandon", "motif_abandon renseigné alors que l'étape n'est pas abandonné")
        if _ok(v["etape_abandon"]):
            c.add("etape_abandon", "etape_abandon renseignée alors que l'étape n'est pas abandonné")
    # IAE
    iae = v["iae"]
    if iae is True and v["type_siae"] is None:
        c.add("type_siae", "type_siae obligatoire pour un projet IAE (iae = oui)", value=False)
    if iae is False and _ok(v["type_siae"]):
        c.add("type_siae", "type_siae renseigné pour un projet hors IAE (iae = non)")
    if iae is False and _ok(v["emplois_insertion"]) and v["emplois_insertion"] > 0:
        c.add("emplois_insertion", "emplois_insertion réservés aux projets IAE (iae = oui)")


def _structure_ref(c: _Checker, sid: Any, column: str, structures: _StructureIndex) -> None:
    if not _ok(sid):
        return
    if not structures.usable:
        c.add(column, "structure non vérifiable : la feuille « structures » est absente ou "
              "inutilisable")
    elif sid not in structures.all_ids:
        close = difflib.get_close_matches(sid, sorted(structures.all_ids), n=1, cutoff=0.6)
        c.add(column, "structure inconnue (absente de la feuille « structures »)",
              suggestion=close[0] if close else None)
    elif sid not in structures.valid_ids:
        c.add(column, f"structure rejetée : sa ligne {structures.all_ids[sid]} de la feuille "
              "« structures » comporte des erreurs")


@dataclass
class _StructureIndex:
    usable: bool = False
    all_ids: dict[str, int] = field(default_factory=dict)   # id -> first row number
    valid_ids: set[str] = field(default_factory=set)


def _duplicate(c: _Checker, key: Any, seen: dict[Any, int], column: str, what: str) -> None:
    valid = all(_ok(k) for k in key) if isinstance(key, tuple) else _ok(key)
    if not valid:
        return
    if key in seen:
        c.add(column, f"{what} en double (déjà présent ligne {seen[key]})")
    else:
        seen[key] = c.row.number


def _validate(sheets: dict[str, _RawSheet], problems: list[Problem]
              ) -> tuple[dict[str, list[dict]], list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in OUTPUT_COLUMNS}
    rejected: list[dict] = []
    structures = _StructureIndex()

    for sheet in schema.SHEET_ORDER:
        raw = sheets.get(sheet)
        if raw is None:
            continue
        colmap, header_problems, usable = _map_headers(raw)
        problems.extend(header_problems)
        rows = _parse_rows(raw, colmap)
        if not usable:
            msg = " | ".join(p.message() for p in header_problems if p.rule.startswith("colonne "
                                                                                       "obligatoire"))
            for row in rows:
                rejected.append({"sheet": sheet, "row": row.number,
                                 "values": json.dumps(row.raw, ensure_ascii=False), "problems": msg})
            continue
        seen: dict[Any, int] = {}
        if sheet == "structures":
            structures.usable = True
        for row in rows:
            v, c = row.values, _Checker(raw, row)
            if sheet == "structures":
                _duplicate(c, v["identifiant"], seen, "identifiant", "identifiant")
                if _ok(v["identifiant"]):
                    structures.all_ids.setdefault(v["identifiant"], row.number)
                _check_structure(c, v)
            elif sheet == "projets":
                _duplicate(c, v["identifiant"], seen, "identifiant", "identifiant")
                _structure_ref(c, v["structure"], "structure", structures)
                _check_project(c, v)
            else:
                _structure_ref(c, v["structure"], "structure", structures)
                _duplicate(c, (v["structure"], v["annee"]), seen, "annee",
                           "couple structure et année")
            if row.problems:
                problems.extend(row.problems)
                rejected.append({"sheet": sheet, "row": row.number,
                                 "values": json.dumps(row.raw, ensure_ascii=False),
                                 "problems": " | ".join(p.message() for p in row.problems)})
                continue
            _emit(sheet, v, out)
            if sheet == "structures":
                structures.valid_ids.add(v["identifiant"])
    return out, rejected


def _emit(sheet: str, v: dict[str, Any], out: dict[str, list[dict]]) -> None:
    rec = {col.field: v[col.header] for col in schema.SHEETS[sheet]}
    if sheet == "structures":
        deps = rec.pop("dep_codes") or [commune_dep(rec["insee_code"])]
        out["structures"].append(rec)
        out["structure_departments"].extend(
            {"structure_id": rec["structure_id"], "dep_code": d} for d in deps)
    elif sheet == "projets":
        rec.pop("dep_code")
        if rec["stage"] == "abandonné" and rec["abandon_stage"] is None:
            rec["abandon_stage"] = ("étude d'opportunité" if rec["study_on"] is not None
                                    else "détection")
        out["projects"].append(rec)
    else:
        out["annual_activity"].append(rec)


# ----------------------------------------------------------------------------------------------
# Public API


def import_files(paths: Iterable[Path | str]) -> ImportResult:
    """Read and validate the given files (one XLSX, or CSV files named after the sheets)."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    sheets, problems = read_files(paths)
    rows, rejected = _validate(sheets, problems)
    records = {name: build_frame(name, rows[name]) for name in OUTPUT_COLUMNS}
    rej = pd.DataFrame(rejected, columns=REJECTED_COLUMNS)
    rej["row"] = rej["row"].astype("int64")
    return ImportResult(records=records, problems=problems, rejected=rej)


REPORT_HEADERS = ["fichier", "feuille", "ligne", "colonne", "valeur", "règle", "suggestion"]


def write_report_csv(problems: Iterable[Problem], path: Path | str) -> Path:
    """The problem list as a CSV for French Excel (';' separator, UTF-8 with BOM)."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, delimiter=";")
        w.writerow(REPORT_HEADERS)
        for p in problems:
            w.writerow([p.file, p.sheet, "" if p.row is None else p.row, p.column or "",
                        p.value or "", p.rule, p.suggestion or ""])
    return path


def format_report(problems: list[Problem]) -> str:
    """Human-readable French report: a count, then every problem on its own line."""
    problems = list(problems)
    if not problems:
        return "Aucun problème détecté : le fichier peut être importé."
    n = len(problems)
    head = f"{n} problème détecté :" if n == 1 else f"{n} problèmes détectés :"
    return "\n".join([head] + [f"- {p.message()}" for p in problems])

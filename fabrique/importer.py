"""Validate import files (XLSX workbook or one CSV per sheet) against fabrique.schema.

Entry point: ``import_files(paths) -> ImportResult``. Nothing here raises on bad input: every
defect of a file, a sheet, a row or a cell becomes a ``Problem`` (fabrique.problems, French message). A
problem is an ``erreur`` when it would break a figure (identifiers, structure, commune, stage, dates and
their order, status, IAE, SIAE type, numbers, coordinates): the row goes to ``ImportResult.rejected``. It
is an ``avertissement`` when the row can be imported as it is (an open-vocabulary value close to a
suggestion, a typed QPV code that the coordinates contradict...): the row is imported, the warning reported.

Files are read by fabrique.sheets (streaming, within its limits); costly fuzzy suggestions are computed
only for the problems reported in full, so that a hostile file costs a bounded amount.
"""
from __future__ import annotations

import contextlib
import difflib
import functools
import json
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import pandas as pd

from . import reference, schema
from . import problems as _problems
# Re-exported: the rest of the package and the tests read the import's vocabulary from here.
from .problems import (ERROR, WARNING, Problem, ProblemLog, count_words, format_report,  # noqa: F401
                       omitted_line, report_rows, write_report_csv)
from .problems import problem as _problem
from .schema import Column
from .sheets import (MAX_CELLS, MAX_COLUMNS, MAX_FILE_BYTES, MAX_ROWS, MAX_XLSX_PARTS,  # noqa: F401
                     MAX_XLSX_ROW_ELEMENTS, MAX_XLSX_UNCOMPRESSED_BYTES, Formula, Sheet, SheetRefused,
                     is_empty, normalize_label, read_files, read_table)

MAX_PROBLEMS_DETAILED = _problems.MAX_PROBLEMS_DETAILED  # the first problems reported in full
CHUNK_ROWS = 2_000  # rows validated together (vectorised coordinate checks)

# ----------------------------------------------------------------------------------------------
# Result types


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
MAX_PROBLEMS_PER_REJECTED_ROW = 5  # in rejected_rows.problems (a garbage row can break every column)


@dataclass
class ImportResult:
    records: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)  # the first MAX_PROBLEMS_DETAILED, in file order
    rejected: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=REJECTED_COLUMNS))
    n_errors: int | None = None     # every error, including those not kept in `problems`
    n_warnings: int | None = None

    def __post_init__(self) -> None:
        if self.n_errors is None:
            self.n_errors = sum(p.is_error for p in self.problems)
        if self.n_warnings is None:
            self.n_warnings = sum(not p.is_error for p in self.problems)

    @property
    def ok(self) -> bool:
        """No error: the import may replace the data (warnings are kept in the report)."""
        return self.n_errors == 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]

    @property
    def n_omitted(self) -> int:
        """Problems counted but not detailed (past MAX_PROBLEMS_DETAILED)."""
        return self.n_errors + self.n_warnings - len(self.problems)


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


def name_key(value: Any) -> str:
    """Commune name key: case, accents, punctuation and 'st'/'ste' abbreviations ignored."""
    s = normalize_label(value)
    tokens = [t for t in re.split(r"[^0-9a-z]+", s) if t]
    tokens = ["saint" if t == "st" else "sainte" if t == "ste" else t for t in tokens]
    return "".join(tokens)


class _Bad(Exception):
    """A cell value that breaks a rule. The suggestion may be given as a function: it is computed only
    when read (a fuzzy search over 34,875 commune names costs about 0.1 s; a hostile file can ask for it
    on every row, so the validator reads it only for the problems it reports in full)."""

    def __init__(self, rule: str, suggestion: str | Callable[[], str | None] | None = None):
        super().__init__(rule)
        self.rule = rule
        self._suggestion = suggestion

    @property
    def suggestion(self) -> str | None:
        if callable(self._suggestion):
            self._suggestion = self._suggestion()
        return self._suggestion


_INVALID = object()  # parsed value of a cell that had a problem


def _ok(v: Any) -> bool:
    return v is not None and v is not _INVALID


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
    def near() -> str | None:
        close = difflib.get_close_matches(key, list(lookup), n=1, cutoff=0.6)
        return lookup[close[0]] if close else None
    raise _Bad(f"valeur non autorisée (valeurs possibles : {', '.join(choices)})", near)


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
    def near() -> str | None:
        close = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.75)
        return f"{names[by_name[close[0]]]} ({by_name[close[0]]})" if close else None
    raise _Bad("département inconnu", near)


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
    hist_by_key: dict[str, set[str]] = field(default_factory=dict)  # old name key -> current codes
    keys_by_initial: dict[str, list[str]] = field(default_factory=dict)  # first letter -> name keys


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
    hist_by_key: dict[str, set[str]] = defaultdict(set)
    for (_, k), codes in hist_by_dep_key.items():
        hist_by_key[k].update(codes)
    keys_by_initial: dict[str, list[str]] = defaultdict(list)
    for k in sorted(by_key):
        keys_by_initial[k[:1]].append(k)
    return _CommuneIndex(names, dict(by_key), dict(by_dep_key),
                         {d: sorted(k) for d, k in keys_by_dep.items()}, dict(history),
                         history_names, dict(hist_by_dep_key), com_codes, dict(hist_by_key),
                         dict(keys_by_initial))


def commune_label(code: str) -> str:
    name = _communes().names[code][0]
    return f"{name} ({code})"


def commune_dep(code: str) -> str:
    return _communes().names[code][1]


_CODE = re.compile(r"^(\d{5}|2[AB]\d{3})$")


def resolve_commune(v: Any, dep: str | None = None) -> str:
    """Current COG code of a commune given by code (current, old, or 4 digits) or by name."""
    code, rule, suggestion = _resolve_commune(parse_text(v), dep)
    if rule is not None:
        raise _Bad(rule, suggestion)  # a new exception each time: a cached one would keep its tracebacks
    return code


@lru_cache(maxsize=16384)
def _resolve_commune(text: str, dep: str | None) -> tuple[str | None, str | None, Any]:
    """Cached as plain values: a file repeats its communes, and a hostile one its unknown names."""
    try:
        return _resolve_commune_uncached(text, dep), None, None
    except _Bad as exc:
        pending = exc._suggestion
        return None, exc.rule, (functools.cache(pending) if callable(pending) else pending)


def _resolve_commune_uncached(text: str, dep: str | None) -> str:
    idx = _communes()
    s = text.upper()
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
        def near_in_dep() -> str | None:
            close = difflib.get_close_matches(key, idx.keys_by_dep.get(dep, []), n=3, cutoff=0.6)
            codes = [c for k in close for c in idx.by_dep_key[(dep, k)]]
            return ", ".join(commune_label(c) for c in codes) or None
        raise _Bad(f"commune inconnue dans le département {dep}", near_in_dep)
    hits = idx.by_key.get(key, [])
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise _Bad("nom porté par plusieurs communes : indiquer le département (colonne departement) "
                   "ou le code INSEE", ", ".join(commune_label(c) for c in hits[:6]))
    old = idx.hist_by_key.get(key, set())
    if len(old) == 1:
        return next(iter(old))

    def near() -> str | None:
        # names with the same initial only: 25 times fewer to compare, typos rarely hit the first letter
        close = difflib.get_close_matches(key, idx.keys_by_initial.get(key[:1], []), n=3, cutoff=0.7)
        codes = [c for k in close for c in idx.by_key[k]][:6]
        return ", ".join(commune_label(c) for c in codes) or None
    raise _Bad("commune inconnue", near)


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


@lru_cache(maxsize=1)
def _qpv_names() -> dict[str, str]:
    q = reference.read("qpv_2024_communes.csv")
    return dict(zip(q["qpv_code"], q["qpv_name"]))


def qpv_label(code: str) -> str:
    name = _qpv_names().get(code)
    return f"{code} ({name})" if name else code


# --- coordinates


def parse_coordinate(v: Any, kind: str) -> float:
    """A longitude or latitude in WGS84 decimal degrees (decimal comma accepted, sign allowed)."""
    lo, hi = schema.COORD_RANGES[kind]
    bad = f"nombre invalide (degrés décimaux attendus, ex. {'-4,12787' if kind == 'longitude' else '47,98615'})"
    if isinstance(v, bool) or isinstance(v, (date, datetime)):
        raise _Bad(bad)
    if isinstance(v, (int, float)):
        num = float(v)
    else:
        s = _SPACES.sub("", str(v)).replace(",", ".")
        if not _NUMBER.match(s):
            raise _Bad(bad)
        num = float(s)
    if not math.isfinite(num):
        raise _Bad(bad)
    if not lo <= num <= hi:
        raise _Bad(f"{kind} hors de la plage {lo:g} à {hi:g} : degrés WGS84 attendus (pas de coordonnées "
                   "en mètres, Lambert 93 par exemple)")
    return num


def _degrees(x: float) -> str:
    return f"{x:.5f}".rstrip("0").rstrip(".").replace(".", ",")


# --- open vocabularies (sector, abandon reason, programme)

_STOP_WORDS = {"a", "au", "aux", "d", "de", "des", "du", "en", "et", "l", "la", "le", "les", "par", "pour",
               "sur", "un", "une"}


def _tokens(key: str) -> list[str]:
    return [t for t in re.split(r"[^0-9a-z]+", key) if t and t not in _STOP_WORDS]


def _similar(a: str, b: str, cutoff: float) -> bool:
    return difflib.SequenceMatcher(None, a, b).ratio() >= cutoff


def _token_in(token: str, tokens: list[str]) -> bool:
    return any(token == t or (min(len(token), len(t)) >= 4 and _similar(token, t, 0.85)) for t in tokens)


@lru_cache(maxsize=4096)
def close_suggestion(value: str, suggestions: tuple[str, ...]) -> str | None:
    """The suggestion a typed value is close to: a typo (« alimentaton »), or one holding the other's words
    (« réemploi » and « réemploi / économie circulaire », « Pas de porteur » and « pas de porteur trouvé »).
    None when the value is a suggestion (case and accents aside) or close to none."""
    key = normalize_label(value)
    keys = {normalize_label(s): s for s in suggestions}
    if not key or key in keys:
        return None
    for skey, s in keys.items():
        if _similar(key, skey, 0.8):
            return s
    words = _tokens(key)
    for skey, s in keys.items():
        swords = _tokens(skey)
        if words and swords and (all(_token_in(w, swords) for w in words)
                                 or all(_token_in(w, words) for w in swords)):
            return s
    return None


class _State:
    """What one import carries from row to row: the open-vocabulary spellings, and how many costly
    suggestions may still be computed (only as many as problems are reported in full)."""

    def __init__(self) -> None:
        self.vocab = _OpenValues()
        self.left = _problems.MAX_PROBLEMS_DETAILED

    def suggest(self, suggestion: str | Callable[[], str | None] | _Bad | None) -> str | None:
        pending = suggestion._suggestion if isinstance(suggestion, _Bad) else suggestion
        if not callable(pending):
            return pending  # a plain text, or already computed
        if hasattr(pending, "cache_info") and pending.cache_info().currsize:
            return pending()  # computed for an earlier row: free
        if self.left <= 0:
            return None
        self.left -= 1
        return suggestion.suggestion if isinstance(suggestion, _Bad) else suggestion()


class _OpenValues:
    """The spelling kept for an open-vocabulary value: a suggestion's own spelling when the value equals it
    but for case, accents and punctuation; otherwise the first spelling met in this import for the same
    key, so that « Réemploi » and « reemploi » land in one group of the charts."""

    def __init__(self) -> None:
        self.spelling: dict[str, dict[str, str]] = defaultdict(dict)

    def parse(self, col: Column, v: Any) -> tuple[str, str | None]:
        """(value to store, suggestion it is close to or None)."""
        text = _SPACES.sub(" ", parse_text(v)).strip()
        if col.lower:
            text = text.lower()
        key = normalize_label(text)
        suggested = _enum_lookup(col.suggestions)
        if key in suggested:
            return suggested[key], None
        if not key:
            return text, None
        kept = self.spelling[col.header].setdefault(key, text)
        return kept, close_suggestion(kept, col.suggestions)


                                                 # raises SheetRefused past a limit


# ----------------------------------------------------------------------------------------------
# Validating sheets


@dataclass
class _Row:
    number: int
    cells: tuple                         # values as read (for `rejected`)
    values: dict[str, Any]               # canonical header -> parsed value / None / _INVALID
    typed: dict[str, Any]                # canonical header -> value as typed (for problems)
    record: str | None = None            # "projet P15"
    problems: list[Problem] = field(default_factory=list)


def _map_headers(raw: Sheet) -> tuple[dict[str, int], list[Problem], bool]:
    cols = schema.SHEETS[raw.sheet]
    expected = {c.header for c in cols}
    colmap: dict[str, int] = {}
    problems: list[Problem] = []
    unknown: dict[str, str] = {}  # normalised -> as written
    for i, h in enumerate(raw.header):
        if is_empty(h):
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
            # An ignored column that looks like an expected one loses its values: an error when they
            # would drive a figure (dates, numbers...), a warning for descriptive text.
            level = WARNING if col.type == "text" else ERROR
            problems.append(_problem(raw.file, "colonne inconnue, ignorée", raw.sheet,
                                     column=unknown[close[0]], suggestion=hint, level=level))
    return colmap, problems, usable


_PARSERS = {
    "text": parse_text, "int": parse_int, "year": parse_year, "date": parse_date,
    "decimal": parse_decimal, "bool": parse_bool, "departement": parse_departement,
    "dep_list": parse_dep_list,
    "longitude": lambda v: parse_coordinate(v, "longitude"),
    "latitude": lambda v: parse_coordinate(v, "latitude"),
}


def _json_value(v: Any) -> Any:
    if isinstance(v, Formula):
        return v.text
    if isinstance(v, (datetime, date)):
        return v.isoformat()
    if isinstance(v, float) and v != v:
        return None
    if isinstance(v, (str, int, float, bool)) or v is None:
        return v
    return str(v)


def _raw_json(raw: Sheet, cells: tuple) -> str:
    values: dict[str, Any] = {}
    for i, h in enumerate(raw.header):
        if is_empty(h) or i >= len(cells):
            continue
        values.setdefault(str(h).strip(), _json_value(cells[i]))
    return json.dumps(values, ensure_ascii=False)


def _record_label(sheet: str, typed: dict[str, Any]) -> str | None:
    """How a problem names its row ("projet P15", "structure S4", "structure S1, année 2024")."""
    if sheet == "activite":
        parts = [f"structure {typed['structure']}" if typed.get("structure") else None,
                 f"année {typed['annee']}" if typed.get("annee") else None]
        return ", ".join(p for p in parts if p) or None
    ident = typed.get("identifiant")
    return f"{schema.RECORD_LABELS[sheet]} {ident}" if ident else None


def _parse_row(raw: Sheet, colmap: dict[str, int], number: int, cells: tuple, state: _State) -> _Row:
    cols = schema.SHEETS[raw.sheet]
    order = {c.header: i for i, c in enumerate(cols)}
    row = _Row(number, cells, {}, {})
    for col in cols:
        idx = colmap.get(col.header)
        v = cells[idx] if idx is not None and idx < len(cells) else None
        row.typed[col.header] = v.text if isinstance(v, Formula) else display(v)
    row.record = _record_label(raw.sheet, row.typed)
    cell_problems: list[tuple[int, Problem]] = []

    def bad(col: Column, value: Any, rule: str, suggestion: str | None = None, level: str = ERROR) -> None:
        cell_problems.append((order[col.header], _problem(
            raw.file, rule, raw.sheet, row=number, column=col.header, value=value,
            suggestion=suggestion, level=level, record=row.record)))

    deferred: list[tuple[Column, Any]] = []
    for col in cols:
        idx = colmap.get(col.header)
        v = cells[idx] if idx is not None and idx < len(cells) else None
        if isinstance(v, Formula):
            row.values[col.header] = _INVALID
            bad(col, v.text, "formule non acceptée : saisir la valeur elle-même")
            continue
        if is_empty(v):
            row.values[col.header] = None
            if col.required:
                bad(col, None, "valeur obligatoire manquante")
            continue
        if col.type == "commune":
            deferred.append((col, v))
            continue
        try:
            if col.suggestions:
                parsed, close = state.vocab.parse(col, v)
                if close is not None:
                    bad(col, display(v), "valeur proche d'une valeur suggérée : importée telle quelle",
                        close, level=WARNING)
            elif col.type == "enum":
                parsed = parse_enum(v, col.choices)
            elif col.header == "qpv":
                parsed = parse_qpv(v)
            else:
                parsed = _PARSERS[col.type](v)
        except _Bad as exc:
            row.values[col.header] = _INVALID
            bad(col, display(v), exc.rule, state.suggest(exc))
        else:
            row.values[col.header] = parsed
    for col, v in deferred:  # communes last: they may use the departement column
        dep = row.values.get("departement")
        try:
            row.values[col.header] = resolve_commune(v, dep if _ok(dep) else None)
        except _Bad as exc:
            row.values[col.header] = _INVALID
            bad(col, display(v), exc.rule, state.suggest(exc))
    cell_problems.sort(key=lambda t: t[0])
    row.problems = [p for _, p in cell_problems]
    return row


class _Checker:
    """Adds rule problems to a row."""

    def __init__(self, raw: Sheet, row: _Row):
        self.raw, self.row = raw, row

    def add(self, column: str, rule: str, suggestion: str | None = None, value: bool | str = True,
            level: str = ERROR) -> None:
        shown = value if isinstance(value, str) else self.row.typed.get(column) if value else None
        self.row.problems.append(_problem(
            self.raw.file, rule, self.raw.sheet, row=self.row.number, column=column,
            value=shown, suggestion=suggestion, level=level, record=self.row.record))


@dataclass
class _StructureIndex:
    usable: bool = False
    all_ids: dict[str, int] = field(default_factory=dict)   # id -> first row number
    valid_ids: set[str] = field(default_factory=set)
    exit_year: dict[str, int] = field(default_factory=dict)  # valid structures that left the network


def _check_structure(c: _Checker, v: dict[str, Any]) -> None:
    status, joined, app, left = v["statut"], v["annee_entree"], v["annee_appellation"], v["annee_sortie"]
    if status == "appellation":
        if app is None:
            c.add("annee_appellation", "annee_appellation obligatoire pour le statut appellation",
                  value=False)
        elif _ok(app) and _ok(joined) and app < joined:
            c.add("annee_appellation", f"annee_appellation antérieure à annee_entree ({joined})")
    elif status == "expérimentation" and _ok(app):
        c.add("annee_appellation", "annee_appellation renseignée pour une structure en "
              "expérimentation", suggestion="passer le statut à appellation ou vider l'année")
    if _ok(left):
        if _ok(joined) and left < joined:
            c.add("annee_sortie", f"annee_sortie antérieure à annee_entree ({joined})")
        elif _ok(app) and left < app:
            c.add("annee_sortie", f"annee_sortie antérieure à annee_appellation ({app})")


def _check_project(c: _Checker, v: dict[str, Any], structures: _StructureIndex) -> None:
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
    # coordinates go together
    lon, lat = v["longitude"], v["latitude"]
    if lon is None and _ok(lat):
        c.add("longitude", "longitude manquante : longitude et latitude vont ensemble", value=False)
    if lat is None and _ok(lon):
        c.add("latitude", "latitude manquante : longitude et latitude vont ensemble", value=False)
    # a structure that left the network detects nothing after its exit year (figures would drop it)
    left = structures.exit_year.get(v["structure"]) if _ok(v["structure"]) else None
    if left is not None and _ok(det) and det.year > left:
        c.add("date_detection", f"projet détecté en {det.year}, après la sortie de sa structure du réseau "
              f"(annee_sortie {left}) : il ne comptera pas dans les chiffres des années suivantes",
              level=WARNING)


def _check_places(raw: Sheet, rows: list[_Row]) -> None:
    """Coordinates of a chunk of projects, checked together (vectorised): inside the commune's
    département (else an error), and placed in their QPV (a typed code that disagrees is a warning)."""
    from . import qpv_locate

    todo = [r for r in rows if _ok(r.values.get("longitude")) and _ok(r.values.get("latitude"))
            and _ok(r.values.get("commune"))]
    if not todo:
        return
    lons = [r.values["longitude"] for r in todo]
    lats = [r.values["latitude"] for r in todo]
    codes = [r.values["commune"] for r in todo]
    deps = [commune_dep(c) for c in codes]
    inside = qpv_locate.in_departement(lons, lats, deps, codes)
    swapped = qpv_locate.in_departement(lats, lons, deps, codes)
    where = qpv_locate.departement_of(lons, lats)
    located = qpv_locate.locate(lons, lats)
    for r, lon, lat, code, dep, ok, swap, found, qpv in zip(todo, lons, lats, codes, deps, inside, swapped,
                                                             where, located):
        c = _Checker(raw, r)
        point = f"{_degrees(lon)} ; {_degrees(lat)}"
        if not ok:
            hint = ("inverser longitude et latitude" if swap else
                    f"le point est dans le département {found}" if found else None)
            c.add("longitude", f"coordonnées hors du département {dep} de la commune {commune_label(code)}",
                  hint, value=point)
            continue
        typed = r.values.get("qpv")
        if _ok(typed) and typed != qpv:
            there = f"dans le QPV {qpv_label(qpv)}" if qpv else "hors de tout QPV 2024"
            c.add("qpv", f"le point ({point}) est {there}, pas dans le QPV saisi {qpv_label(typed)} : le QPV "
                  "trouvé par les coordonnées est retenu",
                  qpv or "vider la colonne qpv ou vérifier les coordonnées", level=WARNING)


def _structure_ref(c: _Checker, sid: Any, column: str, structures: _StructureIndex, state: _State) -> None:
    if not _ok(sid):
        return
    if not structures.usable:
        c.add(column, "structure non vérifiable : la feuille « structures » est absente ou "
              "inutilisable")
    elif sid not in structures.all_ids:
        def near() -> str | None:
            if len(structures.all_ids) > 1_000:  # a network has about 30: past that, no fuzzy search
                return None
            close = difflib.get_close_matches(sid, sorted(structures.all_ids), n=1, cutoff=0.6)
            return close[0] if close else None
        c.add(column, "structure inconnue (absente de la feuille « structures »)", suggestion=state.suggest(near))
    elif sid not in structures.valid_ids:
        c.add(column, f"structure rejetée : sa ligne {structures.all_ids[sid]} de la feuille "
              "« structures » comporte des erreurs")


def _duplicate(c: _Checker, key: Any, seen: dict[Any, int], column: str, what: str) -> None:
    valid = all(_ok(k) for k in key) if isinstance(key, tuple) else _ok(key)
    if not valid:
        return
    if key in seen:
        c.add(column, f"{what} en double (déjà présent ligne {seen[key]})")
    else:
        seen[key] = c.row.number


def _validate(sheets: dict[str, Sheet], log: ProblemLog) -> tuple[dict[str, list[dict]], list[dict]]:
    out: dict[str, list[dict]] = {t: [] for t in OUTPUT_COLUMNS}
    rejected: list[dict] = []
    structures = _StructureIndex()
    state = _State()

    for sheet in schema.SHEET_ORDER:
        raw = sheets.get(sheet)
        if raw is None:
            continue
        colmap, header_problems, usable = _map_headers(raw)
        log.extend(header_problems)
        try:
            rows = raw.load()
        except SheetRefused as exc:
            log.add(_problem(raw.file, exc.rule, sheet, suggestion=exc.suggestion))
            continue
        if not usable:
            msg = " | ".join(p.short() for p in header_problems if p.rule.startswith("colonne "
                                                                                     "obligatoire"))
            for number, cells in rows:
                rejected.append({"sheet": sheet, "row": number, "values": _raw_json(raw, cells),
                                 "problems": msg})
            continue
        seen: dict[Any, int] = {}
        if sheet == "structures":
            structures.usable = True
        for start in range(0, len(rows), CHUNK_ROWS):
            chunk = [_parse_row(raw, colmap, n, cells, state) for n, cells in rows[start:start + CHUNK_ROWS]]
            for row in chunk:
                v, c = row.values, _Checker(raw, row)
                if sheet == "structures":
                    _duplicate(c, v["identifiant"], seen, "identifiant", "identifiant")
                    if _ok(v["identifiant"]):
                        structures.all_ids.setdefault(v["identifiant"], row.number)
                    _check_structure(c, v)
                elif sheet == "projets":
                    _duplicate(c, v["identifiant"], seen, "identifiant", "identifiant")
                    _structure_ref(c, v["structure"], "structure", structures, state)
                    _check_project(c, v, structures)
                else:
                    _structure_ref(c, v["structure"], "structure", structures, state)
                    _duplicate(c, (v["structure"], v["annee"]), seen, "annee",
                               "couple structure et année")
                    left = structures.exit_year.get(v["structure"]) if _ok(v["structure"]) else None
                    if left is not None and _ok(v["annee"]) and v["annee"] > left:
                        c.add("annee", f"activité déclarée après la sortie de la structure du réseau "
                              f"(annee_sortie {left}) : elle ne comptera pas dans les chiffres",
                              level=WARNING)
            if sheet == "projets":
                _check_places(raw, [r for r in chunk if not any(p.is_error for p in r.problems)])
            for row in chunk:
                log.extend(row.problems)
                errors = [p for p in row.problems if p.is_error]
                if errors:
                    rejected.append({"sheet": sheet, "row": row.number, "values": _raw_json(raw, row.cells),
                                     "problems": _rejected_text(errors)})
                    continue
                _emit(sheet, row.values, out)
                if sheet == "structures":
                    structures.valid_ids.add(row.values["identifiant"])
                    if row.values["annee_sortie"] is not None:
                        structures.exit_year[row.values["identifiant"]] = row.values["annee_sortie"]
        del rows
    return out, rejected


def _rejected_text(errors: list[Problem]) -> str:
    shown = [p.short() for p in errors[:MAX_PROBLEMS_PER_REJECTED_ROW]]
    if len(errors) > MAX_PROBLEMS_PER_REJECTED_ROW:
        shown.append(f"et {len(errors) - MAX_PROBLEMS_PER_REJECTED_ROW} autre(s) erreur(s)")
    return " | ".join(shown)


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
    log = ProblemLog()
    with contextlib.ExitStack() as stack:
        sheets, problems = read_files(paths, stack)
        log.extend(problems)
        rows, rejected = _validate(sheets, log)
    records = {name: build_frame(name, rows[name]) for name in OUTPUT_COLUMNS}
    rej = pd.DataFrame(rejected, columns=REJECTED_COLUMNS)
    rej["row"] = rej["row"].astype("int64")
    return ImportResult(records=records, problems=log.kept, rejected=rej, n_errors=log.n_errors,
                        n_warnings=log.n_warnings)


def empty_import(records: dict[str, pd.DataFrame]) -> str | None:
    """Why replacing the network's data with these records would empty it (None: it would not).

    A workbook with headers only, or a partial import whose rows were all refused, would otherwise
    report success and leave a dashboard with nothing in it."""
    n_s, n_p = len(records.get("structures", ())), len(records.get("projects", ()))
    if n_s and n_p:
        return None
    return (f"Importation refusée : elle remplacerait les données du réseau par {count_words(n_s, 'structure')} "
            f"et {count_words(n_p, 'projet')}")


def format_result(result: ImportResult) -> str:
    return format_report(result.problems, n_errors=result.n_errors, n_warnings=result.n_warnings)


def write_result_csv(result: ImportResult, path: Path | str) -> Path:
    return write_report_csv(result.problems, path, n_errors=result.n_errors, n_warnings=result.n_warnings)

"""Read XLSX workbooks and CSV files into sheets (a header and rows of cell values), streaming and
within stated limits, so that a hostile file costs a bounded amount of time and memory.

A workbook's rows and cells are counted on its raw XML before openpyxl opens it (read-only, streaming);
a CSV is decoded as UTF-8 (with or without BOM) or Windows-1252 and its separator detected. Past a limit,
a sheet (or the file) is refused as a whole with a French message that states the limit. The network's
real files hold a few thousand rows (about 1,500 projects since 2010): the limits leave a wide margin.
"""
from __future__ import annotations

import contextlib
import csv
import io
import re
import threading
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import fmt, schema
from .problems import Problem, problem

# The limits: what one file may cost (stated in README and in the template's instructions).
MAX_FILE_BYTES = 50 * 1024 * 1024            # a file on disk (the admin screen's upload limit too)
MAX_XLSX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # a workbook's parts once unzipped (zip bombs)
MAX_XLSX_PARTS = 2_000                        # files inside a workbook's zip
MAX_ROWS = 50_000                             # non-empty data rows per sheet
MAX_XLSX_ROW_ELEMENTS = 200_000               # rows stored in one sheet of a workbook, empty ones included
MAX_COLUMNS = 200                             # columns per sheet, up to the last header
MAX_CELLS = 2_000_000                         # cells per file (workbook: stored cells; CSV: rows x columns)


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


def is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v)


class Formula:
    """A cell holding a formula (refused: the importer takes values, never computes)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class SheetRefused(Exception):
    """A sheet (or the file holding it) is past a limit or unreadable: refused as a whole."""

    def __init__(self, rule: str, suggestion: str | None = None):
        super().__init__(rule)
        self.rule = rule
        self.suggestion = suggestion

# Refusals for size: the file was not read, so its sheets are not reported missing.
LIMIT_RULES = ("fichier trop", "classeur trop", "classeur anormal", "feuille trop")


def _mb(n: int) -> str:
    return f"{fmt.number(n / 1024 / 1024, 1)} Mo"


_CELLS_RULE = (f"fichier trop grand : plus de {fmt.number(MAX_CELLS)} cellules à lire (limite par fichier) ; "
               "fichier refusé")


class _Budget:
    """Cells read from one file, across its sheets."""

    def __init__(self) -> None:
        self.cells = 0

    def take(self, n: int) -> None:
        self.cells += n
        if self.cells > MAX_CELLS:
            raise SheetRefused(_CELLS_RULE, "séparer les données en plusieurs fichiers ou retirer les "
                                             "colonnes et feuilles inutiles")


def _rows_rule() -> str:
    return (f"feuille trop longue : plus de {fmt.number(MAX_ROWS)} lignes remplies (limite par feuille) ; "
            "feuille refusée")


@dataclass
class Sheet:
    file: str
    sheet: str                 # canonical sheet name (structures, projets, activite), or a GAL sheet's title
    header: list[Any]
    load: Callable[[], list[tuple[int, tuple]]]  # (Excel row number, cell values) of non-empty rows;


def _sheet_for_stem(stem: str) -> str | None:
    key = normalize_label(stem)
    if key in schema.SHEET_ORDER:
        return key
    hits = [s for s in schema.SHEET_ORDER if re.search(rf"(^|_){s}($|_)", key)]
    return hits[0] if len(hits) == 1 else None


def _width(header: list[Any]) -> int:
    """Columns up to the last non-empty header."""
    return max((i + 1 for i, h in enumerate(header) if not is_empty(h)), default=0)


def _too_big(path: Path, label: str, sheet: str = "") -> Problem | None:
    try:
        size = path.stat().st_size
    except OSError as exc:
        return problem(label, f"fichier illisible ({exc.strerror or exc})", sheet)
    if size > MAX_FILE_BYTES:
        return problem(label, f"fichier trop volumineux ({_mb(size)}) : la limite est de {_mb(MAX_FILE_BYTES)}",
                        sheet, suggestion="séparer les données en plusieurs fichiers")
    return None


def _csv_error(exc: csv.Error) -> str:
    """The csv module's English message, said in French."""
    if "field larger than field limit" in str(exc):
        return (f"fichier illisible : une cellule dépasse {fmt.number(csv.field_size_limit())} caractères "
                "(guillemet non fermé ?)")
    return "fichier illisible : CSV mal formé (guillemets ou fins de ligne)"


def _csv_table(path: Path, label: str, sheet: str) -> tuple[Sheet | None, list[Problem]]:
    """One CSV file as a sheet: encoding (UTF-8, UTF-8 with BOM, Windows-1252) and separator detected."""
    if (p := _too_big(path, label, sheet)) is not None:
        return None, [p]
    data = path.read_bytes()
    if not data.strip(b" \t\r\n\xef\xbb\xbf"):
        return None, [problem(label, "fichier vide", sheet)]
    if data[:4] == b"PK\x03\x04":
        return None, [problem(label, "fichier illisible : c'est un classeur Excel, pas un CSV", sheet,
                               suggestion="renommer le fichier avec l'extension .xlsx")]
    text = None
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    del data
    if text is None or re.search(r"[\x00-\x08\x0e-\x1f\x7f]", text):
        return None, [problem(label, "fichier illisible : ce n'est pas un fichier texte CSV", sheet)]
    first = text[:text.find("\n")] if "\n" in text else text
    counts = {sep: first.count(sep) for sep in (";", ",", "\t")}
    sep = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        return None, [problem(label, _csv_error(exc), sheet)]
    if not header:
        return None, [problem(label, "fichier vide", sheet)]
    width = _width(header)
    if width > MAX_COLUMNS:
        return None, [problem(label, f"feuille trop large : {width} colonnes (limite {MAX_COLUMNS})", sheet)]
    budget = _Budget()

    def load() -> list[tuple[int, tuple]]:
        rows: list[tuple[int, tuple]] = []
        try:
            for number, rec in enumerate(reader, start=2):
                values = tuple(rec[:width])
                if all(not v.strip() for v in values):
                    continue
                if len(rows) >= MAX_ROWS:
                    raise SheetRefused(_rows_rule(), "séparer les données en plusieurs fichiers")
                budget.take(width)
                rows.append((number, values))
        except csv.Error as exc:
            raise SheetRefused(_csv_error(exc)) from None
        return rows

    return Sheet(label, sheet, list(header[:width]), load), []


def _read_csv(path: Path, label: str) -> tuple[list[Sheet], list[Problem]]:
    sheet = _sheet_for_stem(path.stem)
    if sheet is None:
        return [], [problem(label, "nom de fichier CSV non reconnu : le nom doit être celui de la "
                             "feuille", suggestion="structures.csv, projets.csv ou activite.csv")]
    table, problems = _csv_table(path, label, sheet)
    return ([table] if table else []), problems


def _cell_value(c: Any) -> Any:
    if getattr(c, "data_type", None) == "f":
        v = c.value
        text = getattr(v, "text", None)  # ArrayFormula
        if text is None:
            text = "=TABLE()" if type(v).__name__ == "DataTableFormula" else str(v)
        return Formula(str(text))
    return c.value


_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s>/]")
_OPENPYXL_LOCK = threading.Lock()


def _count_tags(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """Rows and cells stored in one part of a workbook, counted on the raw XML (C speed, constant memory)."""
    rows = cells = 0
    tail = b""
    with z.open(info) as fh:
        while chunk := fh.read(1 << 20):
            data = tail + chunk
            cut = max(0, len(data) - 64)  # a tag cut by the chunk boundary is counted with the next chunk
            rows += len(_ROW_TAG.findall(data, 0, cut))
            cells += len(_CELL_TAG.findall(data, 0, cut))
            tail = data[cut:]
    return rows + len(_ROW_TAG.findall(tail)), cells + len(_CELL_TAG.findall(tail))


@contextlib.contextmanager
def _no_dimension_scan() -> Iterator[None]:
    """openpyxl's read-only mode reads each sheet's stated size while opening the workbook; a sheet that
    states none is then parsed to its end (every row, before any of our limits). The stated size is
    ignored anyway (reset_dimensions), so the scan is skipped while opening (openpyxl 3.1.5)."""
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    with _OPENPYXL_LOCK:
        original = ReadOnlyWorksheet.__dict__.get("_get_size")
        if original is not None:
            ReadOnlyWorksheet._get_size = lambda self: None
        try:
            yield
        finally:
            if original is not None:
                ReadOnlyWorksheet._get_size = original


def _open_workbook(path: Path, label: str, stack: contextlib.ExitStack) -> tuple[list[Any], list[Problem]]:
    """The worksheets of a workbook opened read-only (streaming), after checking its size unzipped and
    counting the rows and cells it stores."""
    import openpyxl

    if (p := _too_big(path, label)) is not None:
        return [], [p]
    unreadable = "fichier illisible : ce n'est pas un classeur Excel valide"
    try:
        with zipfile.ZipFile(path) as z:
            infos = z.infolist()
    except Exception as exc:  # noqa: BLE001 - any failure to open is reported, never raised
        return [], [problem(label, f"{unreadable} ({type(exc).__name__})")]
    if len(infos) > MAX_XLSX_PARTS:
        return [], [problem(label, f"classeur anormal : {fmt.number(len(infos))} fichiers internes "
                             f"(limite {fmt.number(MAX_XLSX_PARTS)})")]
    unzipped = sum(i.file_size for i in infos)  # zipfile never inflates a part past its stated size
    if unzipped > MAX_XLSX_UNCOMPRESSED_BYTES:
        return [], [problem(label, f"classeur trop volumineux une fois décompressé ({_mb(unzipped)}) : la "
                             f"limite est de {_mb(MAX_XLSX_UNCOMPRESSED_BYTES)}",
                             suggestion="séparer les données en plusieurs fichiers")]
    try:
        with zipfile.ZipFile(path) as z:
            counts = [_count_tags(z, i) for i in infos if i.filename.lower().endswith(".xml")]
    except Exception as exc:  # noqa: BLE001 - a corrupt part
        return [], [problem(label, f"{unreadable} ({type(exc).__name__})")]
    if any(rows > MAX_XLSX_ROW_ELEMENTS for rows, _ in counts):
        return [], [problem(label, f"feuille trop longue : plus de {fmt.number(MAX_XLSX_ROW_ELEMENTS)} lignes "
                             "dans une feuille du classeur (lignes vides mises en forme comprises) ; fichier refusé",
                             suggestion="supprimer les lignes inutiles ou séparer les données")]
    if sum(cells for _, cells in counts) > MAX_CELLS:
        return [], [problem(label, _CELLS_RULE)]
    try:
        with warnings.catch_warnings(), _no_dimension_scan():  # e.g. "Data Validation extension..."
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # noqa: BLE001
        return [], [problem(label, f"{unreadable} ({type(exc).__name__})")]
    stack.callback(wb.close)
    return [ws for ws in wb.worksheets if hasattr(ws, "iter_rows")], []


def _xlsx_table(ws: Any, label: str, sheet: str, budget: _Budget) -> tuple[Sheet | None, list[Problem]]:
    """One worksheet, streamed: the header now, the rows when loaded (never more than the limits)."""
    ws.reset_dimensions()  # the stated size of a sheet can lie: read the rows that are there
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            first = next(ws.iter_rows(min_row=1, max_row=1), ())
            header = [(v.text if isinstance(v, Formula) else v) for v in map(_cell_value, first)]
    except Exception as exc:  # noqa: BLE001
        return None, [problem(label, f"fichier illisible ({type(exc).__name__})", sheet)]
    width = _width(header)
    if width == 0:
        return None, [problem(label, "feuille vide : la ligne 1 doit contenir les en-têtes", sheet)]
    if width > MAX_COLUMNS:
        return None, [problem(label, f"feuille trop large : {fmt.number(width)} colonnes jusqu'au dernier "
                               f"en-tête (limite {MAX_COLUMNS})", sheet)]

    def load() -> list[tuple[int, tuple]]:
        rows: list[tuple[int, tuple]] = []
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                for number, cells in enumerate(ws.iter_rows(min_row=2, max_col=width), start=2):
                    values = tuple(_cell_value(c) for c in cells)
                    if all(is_empty(v) for v in values):
                        continue
                    if len(rows) >= MAX_ROWS:
                        raise SheetRefused(_rows_rule(), "séparer les données en plusieurs fichiers")
                    budget.take(width)
                    rows.append((number, values))
        except SheetRefused:
            raise
        except Exception as exc:  # noqa: BLE001 - a corrupt part of the zip, bad XML...
            raise SheetRefused(f"fichier illisible ({type(exc).__name__})") from None
        return rows

    return Sheet(label, sheet, header[:width], load), []


def _read_xlsx(path: Path, label: str, stack: contextlib.ExitStack) -> tuple[list[Sheet], list[Problem]]:
    worksheets, problems = _open_workbook(path, label, stack)
    sheets: list[Sheet] = []
    seen: set[str] = set()
    budget = _Budget()
    for ws in worksheets:
        key = normalize_label(ws.title)
        if key not in schema.SHEET_ORDER:
            continue  # mode_d_emploi, listes and any other sheet are not data
        if key in seen:
            problems.append(problem(label, f"onglet en double (« {ws.title} ») : ignoré", key))
            continue
        seen.add(key)
        table, probs = _xlsx_table(ws, label, key, budget)
        problems.extend(probs)
        if table is not None:
            sheets.append(table)
    return sheets, problems


def read_table(path: Path | str, stack: contextlib.ExitStack, label: str | None = None
               ) -> tuple[Sheet | None, list[Problem]]:
    """One table from a CSV or from the first non-empty sheet of a workbook (GAL perimeters), with the
    same encodings, limits and problems as the main import."""
    path = Path(path)
    label = label or path.name
    ext = path.suffix.lower()
    if not path.is_file():
        return None, [problem(label, "fichier introuvable")]
    if ext == ".csv":
        return _csv_table(path, label, "")
    if ext in (".xlsx", ".xlsm"):
        worksheets, problems = _open_workbook(path, label, stack)
        budget = _Budget()
        for ws in worksheets:
            table, probs = _xlsx_table(ws, label, ws.title, budget)
            if table is not None:
                return table, problems
        return None, problems + [problem(label, "aucune feuille remplie : la ligne 1 doit contenir les en-têtes")]
    return None, [problem(label, f"extension « {ext or '(aucune)'} » non prise en charge (attendu .xlsx ou "
                           ".csv)")]


def read_files(paths: Iterable[Path | str], stack: contextlib.ExitStack
               ) -> tuple[dict[str, Sheet], list[Problem]]:
    """The sheets found in the files (workbooks stay open in `stack` until validated)."""
    found: dict[str, Sheet] = {}
    problems: list[Problem] = []
    labels: list[str] = []
    for p in paths:
        path = Path(p)
        label = path.name
        labels.append(label)
        ext = path.suffix.lower()
        if not path.is_file():
            problems.append(problem(label, "fichier introuvable"))
            continue
        if ext in (".xlsx", ".xlsm"):
            sheets, probs = _read_xlsx(path, label, stack)
        elif ext == ".csv":
            sheets, probs = _read_csv(path, label)
        elif ext == ".xls":
            sheets, probs = [], [problem(label, "format .xls non pris en charge",
                                          suggestion="enregistrer le classeur au format .xlsx")]
        else:
            sheets, probs = [], [problem(label, f"extension « {ext or '(aucune)'} » non prise en "
                                          "charge (attendu .xlsx ou .csv)")]
        problems.extend(probs)
        for raw in sheets:
            if raw.sheet in found:
                problems.append(problem(label, f"feuille « {raw.sheet} » déjà fournie par "
                                         f"{found[raw.sheet].file} : ce doublon est ignoré", raw.sheet))
            else:
                found[raw.sheet] = raw
    file_label = ", ".join(labels)
    if any(p.rule.startswith(LIMIT_RULES) for p in problems):
        return found, problems  # a workbook refused for its size may hold the sheets: not "absente"
    for sheet in schema.SHEET_ORDER:
        if sheet not in found and not any(p.sheet == sheet for p in problems):
            problems.append(problem(file_label, "feuille absente (onglet ou fichier CSV manquant)",
                                     sheet))
    return found, problems

"""The XLSX import template (French) and writing records back into that same layout.

``write_template(path)`` writes an empty template; ``write_records(records, path)`` writes records
(the dict returned by ``importer.import_files(...).records``) into the same workbook, so that
filling a template and importing it, or exporting and re-importing, round-trips.
"""
from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any, Mapping

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from . import schema

DOC_SHEET = "mode_d_emploi"
LISTS_SHEET = "listes"
DATE_FORMAT = "DD/MM/YYYY"
MIN_VALIDATED_ROWS = 2000  # drop-down lists and formats cover at least this many rows

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_REQUIRED_FILL = PatternFill("solid", fgColor="C00000")

INTRO = [
    "Modèle d'importation des données du réseau Fabrique à initiatives",
    "",
    "Une importation remplace l'ensemble des données du réseau : chaque fichier importé doit "
    "contenir toutes les structures, tous les projets et toute l'activité, pas seulement les "
    "nouveautés.",
    "Remplir les feuilles « structures », « projets » et « activite » (une ligne par "
    "enregistrement, la ligne 1 contient les en-têtes : ne pas les modifier). On peut aussi "
    "importer un fichier CSV par feuille, nommé structures.csv, projets.csv et activite.csv "
    "(séparateur ; ou , ; encodage UTF-8 ou Windows).",
    "Les en-têtes et les valeurs des listes sont reconnus sans tenir compte des majuscules, des "
    "accents, des espaces et des tirets (« Séance de Créativité » = « séance de créativité »).",
    "Dates : date Excel, JJ/MM/AAAA ou AAAA-MM-JJ. Nombres : virgule décimale acceptée (2,5), "
    "espaces de milliers acceptés. Oui/non : oui, non (ou o/n, vrai/faux, 1/0). Années et dates : "
    "de 2000 à l'année prochaine. Les colonnes à liste (statut, secteur, etape, motif_abandon, "
    "type_siae...) n'acceptent que les valeurs de la liste.",
    "Communes : code INSEE à 5 caractères (un code à 4 chiffres reçoit son 0 initial ; un ancien "
    "code de commune fusionnée est converti vers la commune actuelle) ou nom de la commune avec "
    "le département dans la colonne departement.",
    "Les formules ne sont pas acceptées : saisir les valeurs elles-mêmes. Les colonnes "
    "supplémentaires sont ignorées ; une colonne dont le nom ressemble à une colonne attendue "
    "(faute de frappe) est signalée.",
    "Chaque erreur est signalée (fichier, feuille, ligne, colonne, valeur, règle, suggestion) ; "
    "une ligne comportant une erreur n'est pas importée, ni les projets et l'activité d'une "
    "structure rejetée.",
    "",
]
DOC_HEADERS = ["feuille", "colonne", "obligatoire", "type", "valeurs possibles", "exemple",
               "description"]


def _choices(col: schema.Column) -> list[str]:
    return list(col.choices)


def _build_workbook(n_rows: Mapping[str, int] | None = None) -> Workbook:
    n_rows = n_rows or {}
    wb = Workbook()
    doc = wb.active
    doc.title = DOC_SHEET
    _write_doc(doc)
    list_ranges: dict[str, str] = {}
    # hidden sheet of drop-down values, one column per list
    lists = wb.create_sheet(LISTS_SHEET)
    for i, header in enumerate(schema.DROPDOWNS, start=1):
        col = next(c for s in schema.SHEET_ORDER for c in schema.SHEETS[s] if c.header == header)
        letter = get_column_letter(i)
        lists.cell(row=1, column=i, value=header).font = Font(bold=True)
        for j, value in enumerate(_choices(col), start=2):
            lists.cell(row=j, column=i, value=value)
        list_ranges[header] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(col.choices) + 1}"
        lists.column_dimensions[letter].width = 32
    lists.sheet_state = "hidden"
    for sheet in schema.SHEET_ORDER:
        ws = wb.create_sheet(sheet, index=wb.sheetnames.index(LISTS_SHEET))
        last = max(MIN_VALIDATED_ROWS, n_rows.get(sheet, 0) + 1)
        for i, col in enumerate(schema.SHEETS[sheet], start=1):
            letter = get_column_letter(i)
            cell = ws.cell(row=1, column=i, value=col.header)
            cell.font = _HEADER_FONT
            cell.fill = _REQUIRED_FILL if col.required else _HEADER_FILL
            cell.alignment = Alignment(vertical="center")
            width = max(len(col.header), len(col.example), 10) + 3
            ws.column_dimensions[letter].width = min(width, 45)
            if col.type == "date":
                ws.column_dimensions[letter].number_format = DATE_FORMAT
            elif col.type in ("commune", "departement", "dep_list", "text"):
                ws.column_dimensions[letter].number_format = "@"  # keep leading zeros of codes
            if col.header in list_ranges:
                dv = DataValidation(type="list", formula1=list_ranges[col.header], allow_blank=True,
                                    showErrorMessage=True, errorTitle="Valeur non autorisée",
                                    error="Choisir une valeur dans la liste.")
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    return wb


def _write_doc(ws) -> None:
    for i, line in enumerate(INTRO, start=1):
        cell = ws.cell(row=i, column=1, value=line)
        if i == 1:
            cell.font = Font(bold=True, size=14)
    r = len(INTRO) + 1
    ws.cell(row=r, column=1, value="En-têtes en rouge : colonnes obligatoires. Colonnes de chaque "
            "feuille :").font = Font(italic=True)
    r += 1
    for i, h in enumerate(DOC_HEADERS, start=1):
        c = ws.cell(row=r, column=i, value=h)
        c.font = _HEADER_FONT
        c.fill = _HEADER_FILL
    for sheet in schema.SHEET_ORDER:
        r += 1
        ws.cell(row=r, column=1, value=sheet).font = Font(bold=True)
        ws.cell(row=r, column=7, value=schema.SHEET_HELP[sheet]).font = Font(italic=True)
        for col in schema.SHEETS[sheet]:
            r += 1
            values = [sheet, col.header, "oui" if col.required else "non",
                      schema.TYPE_LABELS[col.type], " | ".join(col.choices), col.example, col.help]
            for i, v in enumerate(values, start=1):
                cell = ws.cell(row=r, column=i, value=v)
                cell.alignment = Alignment(wrap_text=i in (5, 7), vertical="top")
    for letter, width in zip("ABCDEFG", (14, 24, 12, 30, 45, 28, 80)):
        ws.column_dimensions[letter].width = width


def write_template(path: Path | str) -> Path:
    """Write the empty French import template (XLSX) and return its path."""
    path = Path(path)
    _build_workbook().save(path)
    return path


# ----------------------------------------------------------------------------------------------
# Records -> workbook


def _plain(v: Any) -> Any:
    """A pandas/numpy value as a plain Python value for openpyxl (None when missing)."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, datetime):
        return v.date()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):
        v = v.item()  # numpy scalar
        if isinstance(v, float) and math.isnan(v):
            return None
    return v


def _french_rows(records: Mapping[str, pd.DataFrame]) -> dict[str, list[dict[str, Any]]]:
    from . import importer

    def rows(name: str) -> list[dict[str, Any]]:
        df = records.get(name)
        if df is None or len(df) == 0:
            return []
        return [{k: _plain(v) for k, v in r.items()} for r in df.to_dict("records")]

    deps: dict[str, list[str]] = {}
    for r in rows("structure_departments"):
        deps.setdefault(str(r["structure_id"]), []).append(str(r["dep_code"]))
    out: dict[str, list[dict[str, Any]]] = {s: [] for s in schema.SHEET_ORDER}
    for r in rows("structures"):
        fr = {c.header: r.get(c.field) for c in schema.SHEETS["structures"] if c.field in r}
        fr["departements_couverts"] = ";".join(deps.get(str(r["structure_id"]), [])) or None
        out["structures"].append(fr)
    for r in rows("projects"):
        fr = {c.header: r.get(c.field) for c in schema.SHEETS["projets"] if c.field in r}
        try:
            fr["departement"] = importer.commune_dep(str(r["insee_code"]))
        except KeyError:
            fr["departement"] = None
        if fr.get("iae") is not None:
            fr["iae"] = "oui" if fr["iae"] else "non"
        out["projets"].append(fr)
    for r in rows("annual_activity"):
        out["activite"].append({c.header: r.get(c.field) for c in schema.SHEETS["activite"]})
    return out


def write_records(records: Mapping[str, pd.DataFrame], path: Path | str) -> Path:
    """Write records (English tables, as returned by the importer) into the template layout."""
    path = Path(path)
    data = _french_rows(records)
    wb = _build_workbook({s: len(rows) for s, rows in data.items()})
    for sheet in schema.SHEET_ORDER:
        ws = wb[sheet]
        cols = schema.SHEETS[sheet]
        for r, row in enumerate(data[sheet], start=2):
            for i, col in enumerate(cols, start=1):
                v = row.get(col.header)
                if v is None:
                    continue
                cell = ws.cell(row=r, column=i, value=v)
                if isinstance(v, (date, datetime)):
                    cell.number_format = DATE_FORMAT
                elif isinstance(v, str):
                    cell.data_type = "s"  # text such as "=HYPERLINK(...)" is never a formula
                    cell.number_format = "@"
    wb.save(path)
    return path

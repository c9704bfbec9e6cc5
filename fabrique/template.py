"""The XLSX import template (French), its published Table Schema, and records written back into that layout.

``write_template(path)`` writes an empty template; ``write_table_schema(path)`` writes ``schema.json``, the
same rules as a frictionless Tabular Data Package (the format of schema.data.gouv.fr), so that a partner
can check CSV files with standard tools (``frictionless validate schema.json``) before sending them;
``write_records(records, path)`` writes records (the dict returned by ``importer.import_files(...).records``)
into the template, so that filling a template and importing it, or exporting and re-importing, round-trips.
All three are generated from fabrique.schema.
"""
from __future__ import annotations

import datetime as _dt
import json
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
    "de 2000 à l'année prochaine. Les colonnes à liste fermée (statut, etape, etape_abandon, iae, "
    "type_siae) n'acceptent que les valeurs de la liste.",
    "Secteur, motif_abandon et programme sont en texte libre : leur liste déroulante propose des "
    "valeurs, toute autre valeur est acceptée (espaces superflus retirés ; secteur et motif en "
    "minuscules). Une valeur proche d'une valeur proposée (« réemploi » pour « réemploi / économie "
    "circulaire ») est importée telle quelle avec un avertissement qui cite la valeur proposée.",
    "Longitude et latitude (facultatives, degrés WGS84, ex. -4,12787 et 47,98615) placent le projet dans "
    "son quartier prioritaire ; elles doivent se trouver dans le département de la commune.",
    "Communes : code INSEE à 5 caractères (un code à 4 chiffres reçoit son 0 initial ; un ancien "
    "code de commune fusionnée est converti vers la commune actuelle) ou nom de la commune avec "
    "le département dans la colonne departement.",
    "Les formules ne sont pas acceptées : saisir les valeurs elles-mêmes. Les colonnes "
    "supplémentaires sont ignorées ; une colonne dont le nom ressemble à une colonne attendue "
    "(faute de frappe) est signalée.",
    "Chaque problème est signalé (niveau, fichier, feuille, ligne, identifiant de la ligne, colonne, "
    "valeur, règle, suggestion). Une erreur refuse la ligne (ni les projets ni l'activité d'une "
    "structure refusée ne sont importés) : seules refusent les valeurs qui feraient un chiffre faux "
    "(identifiants, structure, commune, étape, dates et leur ordre, statut, IAE, type de SIAE, nombres, "
    "coordonnées). Un avertissement n'empêche pas l'importation.",
    "Limites d'un fichier : " + "{limits}.",
    "Le fichier schema.json, publié avec ce modèle, décrit les mêmes règles au format Table Schema "
    "(frictionless, schema.data.gouv.fr) : enregistrer chaque feuille en CSV (structures.csv, "
    "projets.csv, activite.csv) à côté de schema.json, puis lancer « frictionless validate schema.json ».",
    "",
]
DOC_HEADERS = ["feuille", "colonne", "obligatoire", "type", "valeurs possibles", "exemple",
               "description"]


def _choices(col: schema.Column) -> list[str]:
    return list(col.list_values)


def _limits_text() -> str:
    from . import fmt, importer

    return (f"{fmt.number(importer.MAX_FILE_BYTES // 2**20)} Mo par fichier, "
            f"{fmt.number(importer.MAX_XLSX_UNCOMPRESSED_BYTES // 2**20)} Mo une fois le classeur décompressé, "
            f"{fmt.number(importer.MAX_ROWS)} lignes remplies par feuille, {importer.MAX_COLUMNS} colonnes, "
            f"{fmt.number(importer.MAX_CELLS)} cellules par fichier ; au-delà, le fichier est refusé. "
            f"Les {fmt.number(importer.MAX_PROBLEMS_DETAILED)} premiers problèmes sont détaillés, les autres "
            "comptés")


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
        list_ranges[header] = f"{LISTS_SHEET}!${letter}$2:${letter}${len(col.list_values) + 1}"
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
            if col.header in list_ranges and col.suggestions:
                # open vocabulary: the list suggests, Excel accepts any other text
                dv = DataValidation(type="list", formula1=list_ranges[col.header], allow_blank=True,
                                    showErrorMessage=False, showInputMessage=True,
                                    promptTitle="Liste suggérée",
                                    prompt="Choisir dans la liste ou saisir une autre valeur.")
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
            elif col.header in list_ranges:
                dv = DataValidation(type="list", formula1=list_ranges[col.header], allow_blank=True,
                                    showErrorMessage=True, errorTitle="Valeur non autorisée",
                                    error="Choisir une valeur dans la liste.")
                dv.add(f"{letter}2:{letter}{last}")
                ws.add_data_validation(dv)
        ws.freeze_panes = "A2"
    return wb


def _write_doc(ws) -> None:
    for i, line in enumerate(INTRO, start=1):
        cell = ws.cell(row=i, column=1, value=line.replace("{limits}", _limits_text()))
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
            allowed = (" | ".join(col.choices) if col.choices else
                       "suggestions (tout texte accepté) : " + " | ".join(col.suggestions) if col.suggestions
                       else "")
            values = [sheet, col.header, "oui" if col.required else "non",
                      schema.TYPE_LABELS[col.type], allowed, col.example, col.help]
            for i, v in enumerate(values, start=1):
                cell = ws.cell(row=r, column=i, value=v)
                cell.alignment = Alignment(wrap_text=i in (5, 7), vertical="top")
    r += 2
    ws.cell(row=r, column=1, value="Exemples de lignes (à saisir dans les feuilles du même nom) :"
            ).font = Font(italic=True)
    for sheet in schema.SHEET_ORDER:
        r += 2
        ws.cell(row=r, column=1, value=sheet).font = Font(bold=True)
        headers = [c.header for c in schema.SHEETS[sheet]]
        r += 1
        for i, h in enumerate(headers, start=1):
            c = ws.cell(row=r, column=i, value=h)
            c.font = _HEADER_FONT
            c.fill = _HEADER_FILL
        for example in schema.EXAMPLE_ROWS[sheet]:
            r += 1
            for i, h in enumerate(headers, start=1):
                cell = ws.cell(row=r, column=i, value=example[h] or None)
                cell.data_type = "s"
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


# ----------------------------------------------------------------------------------------------
# Table Schema (frictionless): the same rules for standard tools

SCHEMA_FILE = "schema.json"
# Spellings of oui / non that a Table Schema boolean accepts (its values are exact strings).
TRUE_VALUES = ["oui", "Oui", "OUI", "o", "O", "vrai", "Vrai", "VRAI", "1", "true", "True", "TRUE"]
FALSE_VALUES = ["non", "Non", "NON", "n", "N", "faux", "Faux", "FAUX", "0", "false", "False", "FALSE"]
PRIMARY_KEYS = {"structures": ["identifiant"], "projets": ["identifiant"], "activite": ["structure", "annee"]}
FOREIGN_KEYS = {"projets": ("structure", "structures", "identifiant"),
                "activite": ("structure", "structures", "identifiant")}
_DEP_CODE = r"(0?[1-9]|[1-8][0-9]|9[0-5]|2[AaBb]|97[1-6])"


def _field(col: schema.Column) -> dict:
    """One column as a Table Schema field: what a standard validator can check without the reference
    lists (existence of a commune or a QPV, rules across columns and sheets are the importer's)."""
    f: dict = {"name": col.header, "title": col.header.replace("_", " ").capitalize(), "description": col.help}
    c: dict = {}
    if col.required:
        c["required"] = True
    hi_year = _dt.date.today().year + 1
    if col.type in ("text", "commune", "departement", "dep_list"):
        f["type"] = "string"
        if col.header == "qpv":
            c["pattern"] = schema.QPV_PATTERN.strip("^$")
        elif col.type == "dep_list":
            c["pattern"] = rf"\s*{_DEP_CODE}\s*([;,]\s*{_DEP_CODE}\s*)*"
        if col.suggestions:
            f["description"] += " Valeurs suggérées (tout texte accepté) : " + " ; ".join(col.suggestions) + "."
    elif col.type == "enum":
        f["type"] = "string"
        c["enum"] = list(col.choices)
    elif col.type == "bool":
        f.update(type="boolean", trueValues=TRUE_VALUES, falseValues=FALSE_VALUES)
    elif col.type == "int":
        f["type"] = "integer"
        c["minimum"] = 0
    elif col.type == "decimal":
        f.update(type="number", decimalChar=",", groupChar=" ")
        c["minimum"] = 0
    elif col.type in schema.COORD_RANGES:
        f.update(type="number", decimalChar=",")
        c["minimum"], c["maximum"] = schema.COORD_RANGES[col.type]
    elif col.type == "year":
        f["type"] = "year"
        c["minimum"], c["maximum"] = schema.MIN_YEAR, hi_year
    elif col.type == "date":
        f.update(type="date", format="%d/%m/%Y")
        c["minimum"], c["maximum"] = f"01/01/{schema.MIN_YEAR}", f"31/12/{hi_year}"
    if c:
        f["constraints"] = c
    if col.example and f["type"] != "number":
        # frictionless 5 checks an example without the field's decimalChar: "2,5" would make the
        # descriptor invalid, so number examples stay in the description only
        f["example"] = col.example
    elif col.example:
        f["description"] += f" Exemple : {col.example}."
    return f


def table_schema(sheet: str) -> dict:
    """The Table Schema of one sheet, generated from fabrique.schema."""
    ts: dict = {"fields": [_field(c) for c in schema.SHEETS[sheet]], "missingValues": [""],
                "primaryKey": PRIMARY_KEYS[sheet]}
    if sheet in FOREIGN_KEYS:
        field, resource, ref = FOREIGN_KEYS[sheet]
        ts["foreignKeys"] = [{"fields": [field], "reference": {"resource": resource, "fields": [ref]}}]
    return ts


def table_schema_package() -> dict:
    """schema.json: a Tabular Data Package whose three resources carry the sheets' Table Schemas."""
    return {
        "profile": "tabular-data-package",
        "name": "fabrique-a-initiatives-import",
        "title": "Données du réseau Fabrique à initiatives (modèle d'importation)",
        "description": "Structures porteuses, projets accompagnés et activité annuelle du réseau Fabrique à "
                       "initiatives (Avise), tels que le tableau de bord les importe. Une ressource par feuille "
                       "du modèle XLSX, enregistrée en CSV sous le nom de la feuille. L'importateur est plus "
                       "tolérant (en-têtes sans accents, dates AAAA-MM-JJ, communes par leur nom) et vérifie en "
                       "plus les listes de référence (communes, QPV) et les règles entre colonnes.",
        "version": "1.0.0",
        "resources": [
            {"name": sheet, "path": f"{sheet}.csv", "profile": "tabular-data-resource", "format": "csv",
             "mediatype": "text/csv", "description": schema.SHEET_HELP[sheet], "schema": table_schema(sheet)}
            for sheet in schema.SHEET_ORDER
        ],
    }


def table_schema_bytes() -> bytes:
    return (json.dumps(table_schema_package(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_table_schema(path: Path | str) -> Path:
    path = Path(path)
    path.write_bytes(table_schema_bytes())
    return path

"""Downloads of the filtered data: CSV for French Excel and XLSX, stamped with their context, formula-safe.

Choices, made for a user who double-clicks the file in a French Excel:
- CSV: separator ``;``, UTF-8 with BOM (otherwise Excel reads accents as cp1252), decimal comma,
  dates ``dd/mm/yyyy``, CRLF line ends, one header row and nothing above it. Comment lines above
  the header would break Excel's table (and every tool that reads the file), so the context travels
  in two places instead: the file name (period, « donnees-fictives », export date) and a last column
  « Contexte de l'export » repeating one line (données fictives or importées, data date, filters,
  export date, source) on every row, so that a row copied elsewhere keeps its provenance.
  Known limit of CSV in Excel: codes with a leading zero (département « 08 », commune « 01053 »)
  are read as numbers (8, 1053); names are exported next to every code, and the XLSX keeps codes
  as text.
- XLSX: the same tables (sheets « projets », « activite ») with typed cells (real dates, numbers,
  codes as text), and a « contexte » sheet with the filters, the dates, the source, the geography
  vintages and the « données fictives » notice for the demo set.
- Formula injection: every text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
  return is prefixed with an apostrophe, in both formats (OWASP recommendation), so that a project
  title such as ``=HYPERLINK(...)`` is shown as text and never evaluated.
"""
from __future__ import annotations

import datetime as dt
import io
import math
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from . import fmt

SOURCE = ("Réseau Fabrique à initiatives (Avise), données déclarées par les structures porteuses ; "
          "référentiels publics INSEE, ANCT, IGN")
SHORT_SOURCE = "réseau Fabrique à initiatives (Avise)"
DEMO_TEXT = "DONNÉES FICTIVES (jeu de démonstration : structures, projets et chiffres inventés)"
IMPORT_TEXT = "Données importées du réseau"
CONTEXT_COLUMN = "Contexte de l'export"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "DD/MM/YYYY"

# snake_case result column -> French header of the downloaded file.
LABELS = {
    "project_id": "Identifiant projet",
    "structure_id": "Identifiant structure",
    "structure_name": "Structure",
    "status": "Statut actuel de la structure",
    "title": "Titre du projet",
    "sector": "Secteur",
    "insee_code": "Code commune (INSEE)",
    "commune_name": "Commune",
    "dep_code": "Code département",
    "dep_name": "Département",
    "reg_code": "Code région",
    "reg_name": "Région",
    "epci_siren": "SIREN de l'EPCI",
    "epci_name": "EPCI",
    "qpv_code": "Code QPV",
    "in_qpv": "Dans un QPV",
    "in_qpv_commune": "Commune comptant un QPV",
    "in_contrat_ville": "Commune sous contrat de ville (EPCI, EPT ou Paris comptant un QPV)",
    "is_rural": "Commune rurale (grille de densité)",
    "is_frr": "France ruralités revitalisation",
    "is_pvd": "Petites villes de demain",
    "is_acv": "Action cœur de ville",
    "in_crte": "Commune en CRTE (tous les CRTE)",
    "in_ruralite": "Commune en contrat de ruralité (CRTE à dominante rurale)",
    "in_gal": "Commune en GAL LEADER",
    "stage": "Étape",
    "abandon_stage": "Étape de l'abandon",
    "detected_on": "Date de détection",
    "study_on": "Date de l'étude d'opportunité",
    "created_on": "Date de création",
    "abandoned_on": "Date d'abandon",
    "abandon_reason": "Motif d'abandon",
    "is_iae": "IAE",
    "siae_type": "Type de SIAE",
    "jobs_etp": "Emplois créés (ETP)",
    "insertion_jobs_etp": "Postes d'insertion (ETP)",
    "programme": "Programme",
    "year": "Année",
    "sessions_n": "Séances de créativité",
    "studies_n": "Études d'opportunité déclarées",
    "partners_n": "Partenaires mobilisés (déclarés par la structure)",
    "projects_n": "Projets suivis",
    "creations_n": "Créations de l'année",
    # carnet de projets (queries/carnet/projects.sql)
    "qpv_name": "Quartier prioritaire (QPV)",
    "ville_names": "Contrat de ville atteint (projet dans un de ses QPV)",
    "contrat_ville_name": "Contrat de ville de la commune (EPCI, EPT ou Paris comptant un QPV)",
    "ruralite_names": "CRTE à dominante rurale",
    "leader_names": "GAL LEADER",
}


# ---------------------------------------------------------------- context

@dataclass(frozen=True)
class Context:
    """What an exported file must say about itself."""
    filters: tuple[tuple[str, str], ...]          # filters.describe(f, opts)
    exported_at: dt.datetime
    data_date: str | None = None                  # ISO date of the data (build_info meta.data_date)
    demo: bool = False
    source: str = SOURCE
    vintages: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    # What the file holds, when it is not the projects-and-activity export (e.g. the carnet's created projects)
    contents: tuple[tuple[str, str], ...] | None = None

    @classmethod
    def of(cls, described: list[tuple[str, str]], info: dict[str, dict[str, str]],
           now: dt.datetime | None = None) -> "Context":
        """From filters.describe(...) and data.build_info()."""
        meta = info.get("meta", {})
        return cls(filters=tuple(described), exported_at=now or dt.datetime.now(),
                   data_date=meta.get("data_date"), demo=meta.get("dataset_kind") == "demo",
                   vintages=tuple(info.get("vintage", {}).items()))

    @property
    def kind(self) -> str:
        return DEMO_TEXT if self.demo else IMPORT_TEXT

    def filters_text(self) -> str:
        """Only what differs from "all" (the period always): 'Période : 2019 à 2024 · Région : Bretagne'."""
        return " · ".join(f"{k} : {v}" for k, v in self.filters
                          if k == "Période" or v not in ("toutes", "tous", "tous les projets"))

    def line(self) -> str:
        """The one-line stamp repeated in the « Contexte de l'export » column (kept short: it is on every row)."""
        kind = "DONNÉES FICTIVES" if self.demo else "Données importées"
        return (f"{kind} · données au {fmt.date(self.data_date)} · {self.filters_text()} · "
                f"exporté le {fmt.date(self.exported_at)} · source : {SHORT_SOURCE}")

    def rows(self) -> list[tuple[str, str]]:
        """The « contexte » sheet: one (heading, value) pair per line."""
        out = [
            ("Fichier", "Indicateurs du réseau Fabrique à initiatives : projets et activité filtrés"),
            ("Nature des données", self.kind),
            ("Données au", fmt.date(self.data_date)),
            ("Exporté le", fmt.datetime(self.exported_at)),
            ("Source", self.source),
        ]
        out += [(f"Filtre · {k}", v) for k, v in self.filters]
        if self.contents is not None:
            out[0] = ("Fichier", "Indicateurs du réseau Fabrique à initiatives")
            return out + list(self.contents) + [(f"Millésime · {k}", v) for k, v in self.vintages]
        out += [
            ("Projets exportés", "Projets suivis pendant la période : détectés au plus tard la dernière année, "
                                 "ni créés ni abandonnés avant la première ; tous les filtres s'appliquent."),
            ("Activité exportée", "Activité déclarée par les structures retenues par les filtres de structure "
                                  "(région, département, structure, statut), années de la période."),
            ("Cellules commençant par = + - @", "Précédées d'une apostrophe pour qu'Excel ne les "
                                                "interprète jamais comme des formules."),
        ]
        out += [(f"Millésime · {k}", v) for k, v in self.vintages]
        return out


def context(f, opts, info: dict[str, dict[str, str]], now: dt.datetime | None = None) -> Context:
    """The context of an export from the filter state, the filter options and data.build_info()."""
    from .filters import describe
    return Context.of(describe(f, opts), info, now)


def file_name(stem: str, ctx: Context, f, ext: str) -> str:
    """'fabrique_projets_2019-2024_donnees-fictives_export-2026-11-26.csv'."""
    period = str(f.year_from) if f.year_from == f.year_to else f"{f.year_from}-{f.year_to}"
    demo = "_donnees-fictives" if ctx.demo else ""
    return f"fabrique_{stem}_{period}{demo}_export-{ctx.exported_at:%Y-%m-%d}.{ext}"


# ---------------------------------------------------------------- cells

def neutralise(value):
    """A text that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _missing(v) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v))


def _is_date_column(s: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(s) or s.name.endswith("_on")


def _french_frame(df: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """Same rows, typed values kept: booleans as oui/non, texts neutralised, years as integers,
    the context column appended."""
    out = pd.DataFrame(index=df.index)
    for col in df.columns:
        s = df[col]
        if pd.api.types.is_bool_dtype(s):
            out[col] = s.map(lambda v: None if _missing(v) else ("oui" if v else "non")).astype(object)
        elif _is_date_column(s):
            out[col] = pd.to_datetime(s)
        elif col.endswith("_year") or col == "year":
            out[col] = s.astype("Int64")
        elif pd.api.types.is_numeric_dtype(s):
            out[col] = s
        else:
            out[col] = s.map(lambda v: None if _missing(v) else neutralise(str(v))).astype(object)
    out = out.rename(columns={c: LABELS.get(c, c) for c in out.columns})
    out[CONTEXT_COLUMN] = ctx.line()
    return out


# ---------------------------------------------------------------- CSV

def to_csv_bytes(df: pd.DataFrame, context: Context) -> bytes:
    """A CSV that opens as a clean table in French Excel (see the module docstring)."""
    out = _french_frame(df, context)
    for col in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out[col]):
            out[col] = out[col].dt.strftime("%d/%m/%Y").astype(object)
    text = out.to_csv(sep=";", index=False, decimal=",", lineterminator="\r\n")
    return text.encode("utf-8-sig")


# ---------------------------------------------------------------- XLSX

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
_DEMO_FONT = Font(bold=True, color="C00000")


def _cell_value(v):
    if _missing(v):
        return None
    if isinstance(v, str):
        return ILLEGAL_CHARACTERS_RE.sub("", v)  # control characters openpyxl refuses to write
    if isinstance(v, pd.Timestamp):
        return v.date()
    if hasattr(v, "item") and not isinstance(v, str):
        return v.item()  # numpy scalar -> Python
    return v


def _write_table(ws, df: pd.DataFrame, source_columns: list[str]) -> None:
    ws.append(list(df.columns))
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in df.itertuples(index=False, name=None):
        ws.append([_cell_value(v) for v in row])
    for j, (col, src) in enumerate(zip(df.columns, source_columns), start=1):
        letter = get_column_letter(j)
        number_format = None
        if pd.api.types.is_datetime64_any_dtype(df[col]):
            number_format = DATE_FORMAT
        elif src.endswith("_etp"):
            number_format = "0.0"
        for cell in ws[letter][1:]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
            elif number_format and cell.value is not None:
                cell.number_format = number_format
        width = 60 if col == CONTEXT_COLUMN else min(45, max(10, len(str(col)) + 2,
                                                           *(len(str(v)) + 2 for v in df[col].head(200).dropna())))
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    if len(df.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(df.columns))}{max(1, len(df) + 1)}"


def to_xlsx_bytes(sheets: dict[str, pd.DataFrame], context: Context) -> bytes:
    """A workbook with one sheet per table (in the given order) and a « contexte » sheet."""
    wb = Workbook()
    wb.remove(wb.active)
    for name, df in sheets.items():
        ws = wb.create_sheet(name[:31])
        _write_table(ws, _french_frame(df, context), [*df.columns, CONTEXT_COLUMN])
    ws = wb.create_sheet("contexte")
    ws.append(["Rubrique", "Valeur"])
    for cell in ws[1]:
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
    for key, value in context.rows():
        ws.append([neutralise(key), neutralise(value)])
        for cell in ws[ws.max_row]:
            cell.data_type = "s"
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "Nature des données" and context.demo:
            row[1].font = _DEMO_FONT
    ws.column_dimensions["A"].width = 34
    ws.column_dimensions["B"].width = 100
    wb.properties.title = "Fabrique à initiatives : export filtré"
    wb.properties.creator = "Tableau de bord Fabrique à initiatives"
    if context.demo:
        wb.properties.subject = DEMO_TEXT
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- import template

def template_bytes() -> bytes:
    """The empty import template (fabrique.template) as bytes, for a download button."""
    from .template import write_template
    with tempfile.TemporaryDirectory() as tmp:
        path = write_template(Path(tmp) / "modele_import_fabrique.xlsx")
        return Path(path).read_bytes()


# Free text and project names: never in a partner's export (small counts and titles stay internal).
PARTNER_HIDDEN = ("title", "abandon_reason", "programme")


def for_partner(df: pd.DataFrame) -> pd.DataFrame:
    """The export without project titles and free text, for a partner view."""
    return df.drop(columns=[c for c in PARTNER_HIDDEN if c in df.columns])

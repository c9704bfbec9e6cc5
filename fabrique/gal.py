"""Read a LEADER GAL perimeter file (CSV: one row per commune or per EPCI) into (gal_id, gal_name, insee_code)."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from . import reference
from .importer import _Bad, normalize_label, resolve_commune

ALIASES = {
    "gal_id": ["gal_id", "id_gal", "code_gal", "identifiant", "code"],
    "gal_name": ["gal_name", "nom_gal", "nom", "libelle", "lib_gal"],
    "insee_code": ["insee_code", "code_insee", "commune", "code_commune", "insee"],
    "epci_siren": ["epci_siren", "siren_epci", "epci", "siren"],
}


class GalError(Exception):
    """The GAL file cannot be loaded; the message lists every problem (French)."""


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise GalError(f"{path.name} : fichier illisible (encodage inconnu).")


def read_gal_file(path: Path) -> pd.DataFrame:
    """Validated GAL perimeters, one row per (gal_id, insee_code); raises GalError listing every problem."""
    if not path.exists():
        raise GalError(f"{path.name} : fichier introuvable.")
    text = _read_text(path)
    if not text.strip():
        raise GalError(f"{path.name} : fichier vide.")
    first = text.splitlines()[0]
    sep = ";" if first.count(";") >= first.count(",") else ","
    raw = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    columns = {normalize_label(c): c for c in raw.columns}
    found = {field: next((columns[a] for a in names if a in columns), None) for field, names in ALIASES.items()}
    missing = [f for f in ("gal_id", "gal_name") if found[f] is None]
    if missing or (found["insee_code"] is None and found["epci_siren"] is None):
        raise GalError(f"{path.name} : colonnes attendues gal_id, gal_name et insee_code ou epci_siren ; "
                       f"colonnes trouvées : {', '.join(raw.columns)}.")

    communes = reference.cog_communes()
    epci_members = communes.groupby("epci_siren")["insee_code"].apply(list).to_dict()
    problems, rows = [], []
    for i, r in enumerate(raw.to_dict("records"), start=2):
        gal_id, gal_name = r[found["gal_id"]].strip(), r[found["gal_name"]].strip()
        commune = r[found["insee_code"]].strip() if found["insee_code"] else ""
        siren = r[found["epci_siren"]].strip().replace(" ", "") if found["epci_siren"] else ""
        where = f"{path.name}, ligne {i}"
        if not gal_id:
            problems.append(f"{where}, colonne « {found['gal_id']} » : identifiant de GAL manquant.")
            continue
        if commune:
            try:
                rows.append((gal_id, gal_name, resolve_commune(commune)))
            except _Bad as exc:
                hint = f" Suggestion : {exc.suggestion}." if exc.suggestion else ""
                problems.append(f"{where}, colonne « {found['insee_code']} » : « {commune} » — {exc.rule}.{hint}")
        elif siren:
            if siren not in epci_members:
                problems.append(f"{where}, colonne « {found['epci_siren']} » : « {siren} » — EPCI inconnu (SIREN 2026).")
            else:
                rows.extend((gal_id, gal_name, c) for c in epci_members[siren])
        else:
            problems.append(f"{where} : ni commune ni EPCI renseigné.")
    if problems:
        raise GalError(f"{len(problems)} problème(s) ; aucun périmètre importé.\n" + "\n".join(problems))
    out = pd.DataFrame(rows, columns=["gal_id", "gal_name", "insee_code"]).drop_duplicates(["gal_id", "insee_code"])
    names = out.groupby("gal_id")["gal_name"].agg(lambda s: next((n for n in s if n), ""))
    return out.assign(gal_name=out["gal_id"].map(names))

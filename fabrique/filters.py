"""The shared filter bar's state: a frozen dataclass <-> URL query (codes, non-default only) <-> SQL params.

Pure functions only (no Streamlit): the frame (app.py, through fabrique.ui) draws the widgets.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Mapping

from . import vocab

# code -> label, from the one declaration of each vocabulary (fabrique.vocab).
STATUSES = vocab.STATUSES.as_dict()
IAE = vocab.IAE.as_dict()
SIAE_TYPES = vocab.SIAE_TYPES.codes
ZONAGES = vocab.ZONINGS.as_dict()
# URL code -> stage label stored in the database.
STAGES = vocab.STAGES.as_dict()
# URL keys, in the order they appear in a link.
KEYS = ["annees", "reg", "dep", "structure", "statut", "iae", "siae", "zonage", "etape"]
MAX_VALUE_LENGTH = 200


@dataclass(frozen=True)
class Options:
    """What the filters may take, read from the database."""
    year_min: int
    year_max: int
    regions: Mapping[str, str]            # reg_code -> name
    departments: Mapping[str, tuple]      # dep_code -> (name, reg_code)
    structures: Mapping[str, str]         # structure_id -> name

    def departments_of(self, regs: tuple[str, ...]) -> list[str]:
        return [d for d, (_, r) in self.departments.items() if not regs or r in regs]


@dataclass(frozen=True)
class Filters:
    year_from: int
    year_to: int
    regs: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    structures: tuple[str, ...] = ()
    status: str | None = None            # key of STATUSES
    iae: str | None = None               # key of IAE
    siae: tuple[str, ...] = ()
    zonages: tuple[str, ...] = ()
    stages: tuple[str, ...] = ()         # keys of STAGES

    def params(self) -> dict:
        """SQL parameters for the scoped_projects / scoped_structures macros; None means "all"."""
        def lst(values):
            return list(values) if values else None
        return {
            "year_from": self.year_from,
            "year_to": self.year_to,
            "regs": lst(self.regs),
            "deps": lst(self.deps),
            "structure_ids": lst(self.structures),
            "status": STATUSES[self.status] if self.status else None,
            "iae": None if self.iae is None else self.iae == "oui",
            "siae_types": lst(self.siae),
            "zonages": lst(self.zonages),
            "stages": lst([STAGES[s] for s in self.stages]),
        }

    @property
    def n_years(self) -> int:
        return self.year_to - self.year_from + 1

    def previous_period(self) -> "Filters":
        """The period of the same length just before this one (for "change against" figures)."""
        return replace(self, year_from=self.year_from - self.n_years, year_to=self.year_from - 1)


def default(opts: Options) -> Filters:
    return Filters(year_from=opts.year_min, year_to=opts.year_max)


def to_query(f: Filters, opts: Options, explicit: bool = False) -> dict[str, str]:
    """URL query of a filter state: codes, comma-separated; only non-default values unless explicit."""
    d = default(opts)
    q: dict[str, str] = {}
    if explicit or (f.year_from, f.year_to) != (d.year_from, d.year_to):
        q["annees"] = str(f.year_from) if f.year_from == f.year_to else f"{f.year_from}-{f.year_to}"
    for key, value in [("reg", f.regs), ("dep", f.deps), ("structure", f.structures),
                       ("siae", f.siae), ("zonage", f.zonages), ("etape", f.stages)]:
        if value:
            q[key] = ",".join(value)
    if f.status:
        q["statut"] = f.status
    if f.iae:
        q["iae"] = f.iae
    return {k: q[k] for k in KEYS if k in q}


def _values(raw: str) -> list[str]:
    return [v.strip() for v in raw.split(",") if v.strip()]


def _show(raw: str) -> str:
    """A URL value as it may be echoed in a notice: short and printable."""
    clean = "".join(ch for ch in raw if ch.isprintable())
    return clean if len(clean) <= 40 else clean[:40] + "…"


def from_query(query: Mapping[str, str], opts: Options) -> tuple[Filters, list[str]]:
    """Filters from a URL query, and a French notice for every value that was ignored.

    Invalid values never raise: each falls back to its default and is reported.
    """
    notices: list[str] = []
    d = default(opts)
    kw: dict = {}

    def bad(key: str, raw: str, why: str) -> None:
        notices.append(f"Paramètre « {key} » ignoré ({why}) : « {_show(raw)} ». Valeur par défaut utilisée.")

    def codes(key: str, raw: str, allowed, normalise=lambda v: v) -> tuple[str, ...]:
        vals = [normalise(v) for v in _values(raw)]
        unknown = [v for v in vals if v not in allowed]
        if unknown:
            bad(key, raw, "code inconnu : " + ", ".join(_show(u) for u in unknown[:5]))
            return ()
        return tuple(dict.fromkeys(vals))  # keep order, drop repeats

    for key in KEYS:
        raw = query.get(key)
        if raw is None:
            continue
        raw = str(raw)
        if len(raw) > MAX_VALUE_LENGTH:
            bad(key, raw, "valeur trop longue")
            continue
        if key == "annees":
            m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", raw)
            if not m:
                bad(key, raw, "format attendu : 2019-2024 ou 2022")
                continue
            y1, y2 = int(m.group(1)), int(m.group(2) or m.group(1))
            if not (opts.year_min <= y1 <= y2 <= opts.year_max):
                bad(key, raw, f"années possibles : {opts.year_min} à {opts.year_max}")
                continue
            kw["year_from"], kw["year_to"] = y1, y2
        elif key == "reg":
            kw["regs"] = codes(key, raw, opts.regions)
        elif key == "dep":
            kw["deps"] = codes(key, raw, opts.departments, lambda v: v.upper())
        elif key == "structure":
            kw["structures"] = codes(key, raw, opts.structures, lambda v: v.upper())
        elif key == "siae":
            kw["siae"] = codes(key, raw, SIAE_TYPES, lambda v: v.upper())
        elif key == "zonage":
            kw["zonages"] = codes(key, raw, ZONAGES, lambda v: v.lower())
        elif key == "etape":
            kw["stages"] = codes(key, raw, STAGES, lambda v: v.lower())
        elif key == "statut":
            v = raw.strip().lower()
            if v in STATUSES:
                kw["status"] = v
            else:
                bad(key, raw, "valeurs possibles : experimentation, appellation")
        elif key == "iae":
            v = raw.strip().lower()
            if v in IAE:
                kw["iae"] = v
            else:
                bad(key, raw, "valeurs possibles : oui, non")

    f = replace(d, **kw)
    if f.regs and f.deps:
        outside = [x for x in f.deps if opts.departments[x][1] not in f.regs]
        if outside:
            notices.append("Départements hors des régions choisies ignorés : " + ", ".join(outside) + ".")
            f = replace(f, deps=tuple(x for x in f.deps if x not in outside))
    return f, notices


def describe(f: Filters, opts: Options) -> list[tuple[str, str]]:
    """The filter context in words (for exports, print and page footers)."""
    def names(codes, mapping):
        return ", ".join(mapping.get(c, c) for c in codes)

    out = [("Période", str(f.year_from) if f.year_from == f.year_to else f"{f.year_from} à {f.year_to}")]
    out.append(("Région", names(f.regs, opts.regions) if f.regs else "toutes"))
    out.append(("Département", names(f.deps, {k: f"{v[0]} ({k})" for k, v in opts.departments.items()})
                if f.deps else "tous"))
    out.append(("Structure", names(f.structures, opts.structures) if f.structures else "toutes"))
    out.append(("Statut", STATUSES[f.status] if f.status else "tous"))
    out.append(("IAE", IAE[f.iae] if f.iae else "tous les projets"))
    out.append(("Type de SIAE", ", ".join(f.siae) if f.siae else "tous"))
    out.append(("Zonage", names(f.zonages, ZONAGES) if f.zonages else "tous"))
    out.append(("Étape", names(f.stages, STAGES) if f.stages else "toutes"))
    return out


def describe_short(f: Filters, opts: Options) -> str:
    """One line: only what differs from "all", e.g. 'Période : 2019 à 2024 · Région : Bretagne'."""
    parts = [f"{k} : {v}" for k, v in describe(f, opts)
             if k == "Période" or v not in ("toutes", "tous", "tous les projets")]
    return " · ".join(parts)

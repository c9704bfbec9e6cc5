"""The shared filter bar: its keys declared as a state.Spec, the Filters value it yields, and its SQL params.

Pure (no Streamlit): fabrique.binding draws and binds the widgets, the frame (app.py) resolves the state.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Mapping

from . import state, vocab
from .state import Env, Key, Spec

# code -> label, from the one declaration of each vocabulary (fabrique.vocab).
STATUSES = vocab.STATUSES.as_dict()
IAE = vocab.IAE.as_dict()
SIAE_TYPES = vocab.SIAE_TYPES.codes
ZONAGES = vocab.ZONINGS.as_dict()
# URL code -> stage label stored in the database.
STAGES = vocab.STAGES.as_dict()
MAX_VALUE_LENGTH = state.MAX_VALUE_LENGTH
PERIMETER_OUTSIDE = "hors du périmètre de ce lien"


@dataclass(frozen=True)
class Options:
    """What the filters may take, read from the database (narrowed to a partner's perimeter when locked)."""
    year_min: int
    year_max: int
    regions: Mapping[str, str]            # reg_code -> name
    departments: Mapping[str, tuple]      # dep_code -> (name, reg_code)
    structures: Mapping[str, str]         # structure_id -> name
    data_date: dt.date | None = None      # date of the data (build_info meta.data_date)

    def departments_of(self, regs: tuple[str, ...]) -> list[str]:
        return [d for d, (_, r) in self.departments.items() if not regs or r in regs]

    @property
    def last_complete_year(self) -> int:
        """The last year that is over at the data date (the default end of the period)."""
        if self.data_date is None:
            return self.year_max
        d = self.data_date
        last = d.year if (d.month, d.day) == (12, 31) else d.year - 1
        return max(self.year_min, min(last, self.year_max))

    def is_partial(self, year: int) -> bool:
        """A year not over at the data date: shown, but never the default and always marked."""
        return self.data_date is not None and year > self.last_complete_year and year >= self.data_date.year

    def year_label(self, year: int) -> str:
        """'2026 (au 31/10)' for a partial year, '2025' otherwise."""
        if self.is_partial(year):
            return f"{year} (au {self.data_date:%d/%m})"
        return str(year)


@dataclass(frozen=True)
class Filters:
    year_from: int
    year_to: int
    regs: tuple[str, ...] = ()
    deps: tuple[str, ...] = ()
    structures: tuple[str, ...] = ()
    status: str | None = None            # code of vocab.STATUSES
    iae: str | None = None               # code of vocab.IAE
    siae: tuple[str, ...] = ()
    zonages: tuple[str, ...] = ()        # codes of vocab.ZONINGS
    stages: tuple[str, ...] = ()         # codes of vocab.STAGES

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

    @property
    def period(self) -> str:
        """'2022' or '2019 à 2024'."""
        return str(self.year_from) if self.year_from == self.year_to else f"{self.year_from} à {self.year_to}"

    @property
    def during(self) -> str:
        """'en 2022' or 'de 2019 à 2024' (« détectés en 2019 à 2024 » is not French)."""
        return f"en {self.year_from}" if self.year_from == self.year_to else f"de {self.year_from} à {self.year_to}"

    # ------------------------------------------------------------ <-> state values

    def values(self) -> dict:
        return {"annees": (self.year_from, self.year_to), "reg": self.regs, "dep": self.deps,
                "structure": self.structures, "statut": self.status, "iae": self.iae, "siae": self.siae,
                "zonage": self.zonages, "etape": self.stages}

    @classmethod
    def of(cls, values: Mapping) -> "Filters":
        y1, y2 = values["annees"]
        return cls(year_from=int(y1), year_to=int(y2), regs=tuple(values.get("reg") or ()),
                   deps=tuple(values.get("dep") or ()), structures=tuple(values.get("structure") or ()),
                   status=values.get("statut") or None, iae=values.get("iae") or None,
                   siae=tuple(values.get("siae") or ()), zonages=tuple(values.get("zonage") or ()),
                   stages=tuple(values.get("etape") or ()))


# ---------------------------------------------------------------- the filter bar as a spec

def _outside(why: str):
    return lambda env: PERIMETER_OUTSIDE if env.locked else why


def _all(env: Env):
    return env.all_opts if env.all_opts is not None else env.opts


def _deps_allowed(env: Env) -> dict[str, str]:
    regs = tuple(env.values.get("reg") or ())
    return {d: env.opts.departments[d][0] for d in env.opts.departments_of(regs)}


SPEC = Spec("filtres", [
    Key("annees", "years", default=lambda env: (env.opts.year_min, env.opts.last_complete_year)),
    Key("reg", "many", choices=lambda env: env.opts.regions, known=lambda env: _all(env).regions,
        normalise=str.strip, outside=_outside("hors des valeurs possibles")),
    Key("dep", "many", choices=_deps_allowed, normalise=str.upper,
        known=lambda env: {d: v[0] for d, v in _all(env).departments.items()},
        outside=_outside("hors des régions choisies")),
    Key("structure", "many", choices=lambda env: env.opts.structures, normalise=str.upper,
        known=lambda env: _all(env).structures, outside=_outside("hors des valeurs possibles")),
    Key("statut", "one", choices=lambda env: STATUSES),
    Key("iae", "one", choices=lambda env: IAE),
    Key("siae", "many", choices=lambda env: dict(zip(SIAE_TYPES, SIAE_TYPES)), normalise=str.upper),
    Key("zonage", "many", choices=lambda env: ZONAGES, retired=vocab.RETIRED_ZONINGS),
    Key("etape", "many", choices=lambda env: STAGES),
])
KEYS = SPEC.names


def default(opts: Options) -> Filters:
    return Filters.of(SPEC.defaults(Env(opts)))


def to_query(f: Filters, opts: Options, explicit: bool = False) -> dict[str, str]:
    """URL query of a filter state: codes, comma-separated; only non-default values unless explicit."""
    return SPEC.to_query(f.values(), Env(opts), explicit)


def from_query(query: Mapping[str, str], opts: Options, all_opts: Options | None = None,
               locked: bool = False) -> tuple[Filters, list[str]]:
    """Filters from a URL query, and a French notice for every value that was ignored.

    Invalid values never raise: each falls back to its default and is reported."""
    values, notices = SPEC.parse(query, Env(opts, all_opts or opts, locked=locked))
    return Filters.of(values), notices


def describe(f: Filters, opts: Options) -> list[tuple[str, str]]:
    """The filter context in words (for exports, print and page footers)."""
    def names(codes, mapping):
        return ", ".join(mapping.get(c, c) for c in codes)

    period = f.period
    if opts.is_partial(f.year_to):
        period += f" ({f.year_to} incomplète : données au {opts.data_date:%d/%m/%Y})"
    out = [("Période", period)]
    out.append(("Région", names(f.regs, opts.regions) if f.regs else "toutes"))
    out.append(("Département", names(f.deps, {k: f"{v[0]} ({k})" for k, v in opts.departments.items()})
                if f.deps else "tous"))
    out.append(("Structure", names(f.structures, opts.structures) if f.structures else "toutes"))
    out.append(("Statut en fin de période", STATUSES[f.status] if f.status else "tous"))
    out.append(("Projets", IAE[f.iae] if f.iae else "tous les projets"))
    out.append(("Type de SIAE", ", ".join(f.siae) if f.siae else "tous"))
    out.append(("Zonage", names(f.zonages, ZONAGES) if f.zonages else "tous"))
    out.append(("Étape", names(f.stages, STAGES) if f.stages else "toutes"))
    return out


def describe_short(f: Filters, opts: Options) -> str:
    """One line: only what differs from "all", e.g. 'Période : 2019 à 2024 · Région : Bretagne'."""
    parts = [f"{k} : {v}" for k, v in describe(f, opts)
             if k == "Période" or v not in ("toutes", "tous", "tous les projets")]
    return " · ".join(parts)

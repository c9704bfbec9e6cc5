"""View state declared once: URL keys (kind, allowed values, default, dependency) -> parse, validate,
serialise. Pure functions, no Streamlit (fabrique.binding is the one place that talks to Streamlit).

A `Spec` is an ordered list of `Key`s. The shared filter bar is one spec (FILTERS); each page that
has view keys of its own (level, family, structure shown…) declares one in fabrique.site. Values
are plain Python (ints, strings, tuples of codes); the URL holds codes, and only non-default values
unless a link must be explicit.

Allowed values may depend on earlier keys (a département within the chosen régions) and on the
environment (`Env`: the filter options, the partner perimeter, a query runner for choices that come
from the data). A key is parsed after the keys it depends on because specs are ordered.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

MAX_VALUE_LENGTH = 200
NOTICE_TAIL = "Valeur par défaut utilisée."


@dataclass(frozen=True)
class Env:
    """What allowed values and defaults may depend on.

    opts: the filter options this viewer may choose from (narrowed to a partner's perimeter);
    all_opts: every option, to tell "unknown code" from "outside your perimeter";
    values: the values resolved so far (filters first, then the page's own keys);
    load: a query runner for choices read from the data (None in pure tests);
    locked: True when the viewer is locked to a perimeter (partner link)."""
    opts: Any
    all_opts: Any = None
    values: Mapping[str, Any] = field(default_factory=dict)
    load: Callable | None = None
    locked: bool = False

    def with_values(self, values: Mapping[str, Any]) -> "Env":
        return Env(self.opts, self.all_opts if self.all_opts is not None else self.opts, dict(values),
                   self.load, self.locked)


Choices = Callable[[Env], Mapping[str, str]]


@dataclass(frozen=True)
class Key:
    """One URL key.

    kind: 'years' (a period « 2019-2024 » or « 2022 »), 'one' (a code or nothing), 'many' (codes, comma-separated).
    choices(env) -> {code: label}: the allowed values now ('years': ignored).
    default: a value, or a callable(env) -> value. For 'one' None means "nothing chosen", for 'many' ().
    normalise: applied to every code read from the URL (e.g. str.upper for département codes).
    known(env) -> {code: label}: every code that exists, to say "hors du périmètre" rather than "inconnu"
    outside: why a known code is not allowed here (French, e.g. « hors des régions choisies »).
    retired: old codes -> why they are gone (their notice says so).
    """
    name: str
    kind: str
    choices: Choices | None = None
    default: Any = None
    normalise: Callable[[str], str] = str.lower
    known: Choices | None = None
    outside: str | Callable[[Env], str] = "hors des valeurs possibles ici"
    retired: Mapping[str, str] = field(default_factory=dict)
    hint: str = ""  # for notices on malformed values, e.g. « format attendu : 2019-2024 »

    def __post_init__(self):
        if self.kind not in ("years", "one", "many"):
            raise ValueError(self.kind)

    def default_value(self, env: Env):
        value = self.default(env) if callable(self.default) else self.default
        if self.kind == "many" and value is None:
            return ()
        return value

    def allowed(self, env: Env) -> Mapping[str, str]:
        return self.choices(env) if self.choices else {}


def show(raw: Any) -> str:
    """A URL value as it may be echoed in a notice: short and printable."""
    clean = "".join(ch for ch in str(raw) if ch.isprintable())
    return clean if len(clean) <= 40 else clean[:40] + "…"


def _values(raw: str) -> list[str]:
    return [v.strip() for v in raw.split(",") if v.strip()]


def notice(key: str, raw: str, why: str, tail: str = NOTICE_TAIL) -> str:
    return f"Paramètre « {key} » ignoré ({why}) : « {show(raw)} ». {tail}"


@dataclass(frozen=True)
class Spec:
    name: str
    keys: tuple[Key, ...]

    def __init__(self, name: str, keys):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "keys", tuple(keys))

    @property
    def names(self) -> list[str]:
        return [k.name for k in self.keys]

    def key(self, name: str) -> Key:
        for k in self.keys:
            if k.name == name:
                return k
        raise KeyError(name)

    # ------------------------------------------------------------ defaults

    def defaults(self, env: Env) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for k in self.keys:
            out[k.name] = k.default_value(env.with_values({**env.values, **out}))
        return out

    # ------------------------------------------------------------ URL -> values

    def parse(self, query: Mapping[str, Any], env: Env) -> tuple[dict[str, Any], list[str]]:
        """Values from a URL query, and a French notice for every value that was ignored.

        Never raises: an invalid value falls back to its default and is reported."""
        out: dict[str, Any] = {}
        notices: list[str] = []
        for k in self.keys:
            here = env.with_values({**env.values, **out})
            raw = query.get(k.name)
            if raw is None:
                out[k.name] = k.default_value(here)
                continue
            value, why = self._parse_one(k, str(raw), here)
            if why:
                notices.append(why)
                if value is None or (k.kind == "many" and not value):
                    value = k.default_value(here)
            out[k.name] = value
        return out, notices

    def _parse_one(self, k: Key, raw: str, env: Env) -> tuple[Any, str | None]:
        if len(raw) > MAX_VALUE_LENGTH:
            return None, notice(k.name, raw, "valeur trop longue")
        if k.kind == "years":
            return _parse_years(k, raw, env)
        allowed = k.allowed(env)
        codes = [k.normalise(v) for v in _values(raw)]
        if k.kind == "one":
            if not codes:
                return k.default_value(env), None
            if len(codes) > 1:
                return None, notice(k.name, raw, "une seule valeur attendue")
        bad = [c for c in codes if c not in allowed]
        if bad and k.kind == "one":
            return None, notice(k.name, raw, _why_not(k, bad, env))
        unique = tuple(dict.fromkeys(c for c in codes if c in allowed))  # keep order, drop repeats
        if bad:
            # A list keeps its valid codes: one stale code in a shared link should not lose the others.
            if unique:
                return unique, (f"Paramètre « {k.name} » : valeur(s) ignorée(s) ({_why_not(k, bad, env)}) : "
                                f"« {show(','.join(bad))} ». Les autres valeurs sont gardées.")
            return unique, notice(k.name, raw, _why_not(k, bad, env))
        return (unique[0] if k.kind == "one" else unique), None

    # ------------------------------------------------------------ values -> values (dependencies moved)

    def validate(self, values: Mapping[str, Any], env: Env) -> tuple[dict[str, Any], list[str]]:
        """The values with whatever no longer fits dropped (a département outside newly chosen régions,
        a zoom outside the filters). Returns the names of the keys that changed."""
        out: dict[str, Any] = {}
        changed: list[str] = []
        for k in self.keys:
            here = env.with_values({**env.values, **out})
            value = values.get(k.name, k.default_value(here))
            fixed = _fit(k, value, here)
            if fixed != value:
                changed.append(k.name)
            out[k.name] = fixed
        return out, changed

    # ------------------------------------------------------------ values -> URL

    def to_query(self, values: Mapping[str, Any], env: Env, explicit: bool = False) -> dict[str, str]:
        """URL query: codes, comma-separated; only non-default values unless explicit (a shared link).

        An explicit link writes every key that has a value; keys with nothing chosen stay out."""
        q: dict[str, str] = {}
        resolved: dict[str, Any] = {}
        for k in self.keys:
            here = env.with_values({**env.values, **resolved})
            value = values.get(k.name, k.default_value(here))
            resolved[k.name] = value
            if not explicit and value == k.default_value(here):
                continue
            text = _serialise(k, value)
            if text:
                q[k.name] = text
        return q


def _parse_years(k: Key, raw: str, env: Env) -> tuple[Any, str | None]:
    m = re.fullmatch(r"\s*(\d{4})\s*(?:-\s*(\d{4}))?\s*", raw)
    if not m:
        return None, notice(k.name, raw, k.hint or "format attendu : 2019-2024 ou 2022")
    y1, y2 = int(m.group(1)), int(m.group(2) or m.group(1))
    lo, hi = env.opts.year_min, env.opts.year_max
    if not (lo <= y1 <= y2 <= hi):
        return None, notice(k.name, raw, f"années possibles : {lo} à {hi}")
    return (y1, y2), None


def _why_not(k: Key, bad: list[str], env: Env) -> str:
    for c in bad:
        if c in k.retired:
            return f"valeur retirée : {k.retired[c]}"
    known = k.known(env) if k.known else {}
    if all(c in known for c in bad):
        return k.outside(env) if callable(k.outside) else k.outside
    return "code inconnu"


def _fit(k: Key, value, env: Env):
    if k.kind == "years":
        if not value:
            return k.default_value(env)
        y1, y2 = value
        lo, hi = env.opts.year_min, env.opts.year_max
        y1, y2 = max(lo, min(y1, hi)), max(lo, min(y2, hi))
        return (min(y1, y2), max(y1, y2))
    allowed = k.allowed(env)
    if k.kind == "one":
        return value if value in allowed else k.default_value(env)
    return tuple(v for v in (value or ()) if v in allowed)


def _serialise(k: Key, value) -> str:
    if value is None or value == () or value == "":
        return ""
    if k.kind == "years":
        y1, y2 = value
        return str(y1) if y1 == y2 else f"{y1}-{y2}"
    if k.kind == "one":
        return str(value)
    return ",".join(value)

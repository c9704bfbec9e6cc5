"""Problems found in imported files, and the report that lists them.

A problem has a level (an « erreur » refuses its row, sheet or file; an « avertissement » is reported and
the row imported), its place (file, sheet, row as Excel shows it, column), the row's own identifier
(« projet P15 »: found again after a sort), the value, the rule and a suggestion. Every problem is
counted; only the first MAX_PROBLEMS_DETAILED are kept in full. The report is French text for the
console and a CSV for French Excel whose values cannot run as formulas.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from . import fmt

ERROR = "erreur"            # the row (or the sheet, or the file) is refused
WARNING = "avertissement"   # reported, the row is imported
MAX_PROBLEMS_DETAILED = 1_000  # problems reported in full; the others are only counted


@dataclass(frozen=True)
class Problem:
    file: str
    sheet: str
    row: int | None          # row number as Excel shows it (header = 1, first data row = 2)
    column: str | None       # canonical French header
    value: str | None        # the offending value as typed
    rule: str                # French sentence, no final full stop
    suggestion: str | None = None
    level: str = ERROR       # ERROR or WARNING
    record: str | None = None  # the row's identifier ("projet P15"), found again after a sort

    @property
    def is_error(self) -> bool:
        return self.level == ERROR

    def short(self) -> str:
        """The problem without its place (file, sheet, row): for rejected_rows, which has its own columns."""
        what = f"« {self.value} » — {self.rule}" if self.value not in (None, "") else self.rule
        msg = f"colonne « {self.column} » : {what}" if self.column else what
        msg += "" if msg.endswith(".") else "."
        return msg + (f" Suggestion : {self.suggestion}." if self.suggestion else "")

    def message(self) -> str:
        where = [self.file] if self.file else []
        if self.sheet:
            where.append(f"feuille « {self.sheet} »")
        if self.row is not None:
            where.append(f"ligne {self.row}" + (f" ({self.record})" if self.record else ""))
        elif self.record:
            where.append(self.record)
        if self.column:
            where.append(f"colonne « {self.column} »")
        what = f"« {self.value} » — {self.rule}" if self.value not in (None, "") else self.rule
        msg = f"{', '.join(where)} : {what}" if where else what
        if not msg.endswith("."):
            msg += "."
        if self.suggestion:
            msg += f" Suggestion : {self.suggestion}."
        return msg


class ProblemLog:
    """Every problem is counted; only the first ``limit`` are kept in full (a hostile file can hold
    millions of them: 2.6 million were once printed)."""

    def __init__(self, limit: int | None = None):
        self.limit = MAX_PROBLEMS_DETAILED if limit is None else limit
        self.kept: list[Problem] = []
        self.n_errors = 0
        self.n_warnings = 0

    def add(self, p: Problem) -> None:
        if p.is_error:
            self.n_errors += 1
        else:
            self.n_warnings += 1
        if len(self.kept) < self.limit:
            self.kept.append(p)

    def extend(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            self.add(p)


def problem(file: str, rule: str, sheet: str = "", **kw: Any) -> Problem:
    return Problem(file=file, sheet=sheet, row=kw.get("row"), column=kw.get("column"),
                   value=kw.get("value"), rule=rule, suggestion=kw.get("suggestion"),
                   level=kw.get("level", ERROR), record=kw.get("record"))


def count_words(n: int, word: str, plural: str | None = None) -> str:
    return f"{fmt.number(n)} {word if n <= 1 else plural or word + 's'}"


REPORT_HEADERS = ["niveau", "fichier", "feuille", "ligne", "identifiant", "colonne", "valeur", "règle",
                  "suggestion"]


def omitted_line(n_errors: int, n_warnings: int, n_shown: int) -> str | None:
    """The line that counts the problems past MAX_PROBLEMS_DETAILED (None when every one is shown)."""
    rest = n_errors + n_warnings - n_shown
    if rest <= 0:
        return None
    return (f"… et {count_words(rest, 'autre problème', 'autres problèmes')} non détaillés "
            f"(au total {count_words(n_errors, 'erreur')} et {count_words(n_warnings, 'avertissement')} ; seuls les "
            f"{fmt.number(n_shown)} premiers sont détaillés)")


def report_rows(problems: Iterable[Problem], n_errors: int | None = None,
                n_warnings: int | None = None) -> list[list[str]]:
    """The report as rows of text (header first), formula-safe: a value such as =HYPERLINK(...) or
    =cmd|' /C calc'!A0 is shown, never run, when the file is opened in Excel (fabrique.export)."""
    from .export import neutralise

    problems = list(problems)
    rows = [REPORT_HEADERS]
    for p in problems:
        rows.append([p.level, p.file, p.sheet, "" if p.row is None else str(p.row), p.record or "",
                     p.column or "", p.value or "", p.rule, p.suggestion or ""])
    n_errors = sum(p.is_error for p in problems) if n_errors is None else n_errors
    n_warnings = sum(not p.is_error for p in problems) if n_warnings is None else n_warnings
    if (line := omitted_line(n_errors, n_warnings, len(problems))) is not None:
        rows.append(["information", "", "", "", "", "", "", line, ""])
    return [rows[0]] + [[neutralise(v) for v in r] for r in rows[1:]]


def write_report_csv(problems: Iterable[Problem], path: Path | str, *, n_errors: int | None = None,
                     n_warnings: int | None = None) -> Path:
    """The problem list as a CSV for French Excel (';' separator, UTF-8 with BOM), formula-safe."""
    path = Path(path)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh, delimiter=";").writerows(report_rows(problems, n_errors, n_warnings))
    return path


def format_report(problems: Iterable[Problem], *, n_errors: int | None = None,
                  n_warnings: int | None = None) -> str:
    """Human-readable French report: the counts, the errors, then the warnings, one per line."""
    problems = list(problems)
    n_errors = sum(p.is_error for p in problems) if n_errors is None else n_errors
    n_warnings = sum(not p.is_error for p in problems) if n_warnings is None else n_warnings
    if not n_errors and not n_warnings:
        return "Aucun problème détecté : le fichier peut être importé."
    lines = [f"{count_words(n_errors, 'erreur')} et {count_words(n_warnings, 'avertissement')}."]
    errors = [p for p in problems if p.is_error]
    warned = [p for p in problems if not p.is_error]
    if errors:
        lines.append("Erreurs (ligne, feuille ou fichier refusés) :")
        lines += [f"- {p.message()}" for p in errors]
    if warned:
        lines.append("Avertissements (lignes importées telles quelles) :")
        lines += [f"- {p.message()}" for p in warned]
    if (line := omitted_line(n_errors, n_warnings, len(problems))) is not None:
        lines.append(line + ".")
    return "\n".join(lines)

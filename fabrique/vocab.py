"""Every controlled vocabulary, declared once: code (URL, SQL), label (what users read, and what the
database stores where it stores a label), order.

The filters, the URL state, the import template, the charts and the tests read these declarations,
and the build registers each one as a table (`vocab_<name>`), so that SQL joins the same source
instead of repeating a `values (...)` list. A label typed twice drifts; a label typed here does not.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import pandas as pd


@dataclass(frozen=True)
class Term:
    code: str                 # stable code: URL value, SQL key
    label: str                # French label shown to users (and stored in the database for stages/statuses)
    extra: dict = field(default_factory=dict, compare=False, hash=False)  # vocabulary-specific attributes

    def __getattr__(self, name):  # term.one, term.many... read from extra
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


class Vocabulary:
    """An ordered set of terms; order is the declaration order (rank 1, 2, ...)."""

    def __init__(self, name: str, terms: list[Term]):
        self.name = name
        self.terms = tuple(terms)
        self._by_code = {t.code: t for t in terms}
        self._by_label = {t.label: t for t in terms}
        if len(self._by_code) != len(terms):
            raise ValueError(f"{name}: duplicate code")

    def __iter__(self) -> Iterator[Term]:
        return iter(self.terms)

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, code: str) -> bool:
        return code in self._by_code

    def __getitem__(self, code: str) -> Term:
        return self._by_code[code]

    @property
    def codes(self) -> list[str]:
        return [t.code for t in self.terms]

    @property
    def labels(self) -> list[str]:
        return [t.label for t in self.terms]

    def label(self, code: str) -> str:
        return self._by_code[code].label

    def by_label(self, label: str) -> Term:
        return self._by_label[label]

    def rank(self, code: str) -> int:
        return self.codes.index(code) + 1

    def as_dict(self) -> dict[str, str]:
        """{code: label}, in order (for select boxes and URL validation)."""
        return {t.code: t.label for t in self.terms}

    def frame(self) -> pd.DataFrame:
        """The table the build registers: rank, code, label and every extra attribute."""
        rows = [{"rank": i, "code": t.code, "label": t.label, **t.extra} for i, t in enumerate(self.terms, 1)]
        return pd.DataFrame(rows)


def _t(code: str, label: str, **extra) -> Term:
    return Term(code, label, extra)


# The stages of a project, in order. Stored in the database as their label; "abandonné" is an exit,
# not a step (is_step false): a project abandoned at a stage reached that stage and no further.
STAGES = Vocabulary("stages", [
    _t("detection", "détection", is_step=True),
    _t("seance", "séance de créativité", is_step=True),
    _t("etude", "étude d'opportunité", is_step=True),
    _t("porteur", "recherche de porteur", is_step=True),
    _t("amorcage", "amorçage", is_step=True),
    _t("cree", "créé", is_step=True),
    _t("abandon", "abandonné", is_step=False),
])
# Stages at which a project can stop (every step but creation).
ABANDON_STAGES = [t.label for t in STAGES if t.is_step and t.code != "cree"]

# A structure's status in the network (stored as its label).
STATUSES = Vocabulary("statuses", [
    _t("experimentation", "expérimentation"),
    _t("appellation", "appellation"),
])

# The IAE filter (project in insertion par l'activité économique or not).
IAE = Vocabulary("iae", [
    _t("oui", "IAE"),
    _t("non", "Hors IAE"),
])

# Structures of insertion par l'activité économique (SIAE); the code is what the database stores.
SIAE_TYPES = Vocabulary("siae_types", [
    _t("ACI", "ACI", name="atelier et chantier d'insertion"),
    _t("EI", "EI", name="entreprise d'insertion"),
    _t("ETTI", "ETTI", name="entreprise de travail temporaire d'insertion"),
    _t("AI", "AI", name="association intermédiaire"),
    _t("EITI", "EITI", name="entreprise d'insertion par le travail indépendant"),
])

# Zonings a project can be filtered on (filter `zonage`): each is a boolean of project_facts.
# ruralite: the project lies in a CRTE "à dominante rurale" (at least half of the municipal population
# in rural communes of the INSEE density grid); the CRTE as such cover the whole country and say nothing.
ZONINGS = Vocabulary("zonings", [
    _t("qpv", "Quartier prioritaire (QPV)", column="in_qpv"),
    _t("rural", "Commune rurale", column="is_rural"),
    _t("pvd", "Petites villes de demain", column="is_pvd"),
    _t("ruralite", "Contrat de ruralité (CRTE à dominante rurale)", column="in_ruralite"),
    _t("frr", "France ruralités revitalisation (FRR)", column="is_frr"),
    _t("leader", "LEADER (GAL)", column="in_gal"),
])
# Old URL codes that no longer exist, and why (shown in the notice of an old link).
RETIRED_ZONINGS = {
    "crte": "les CRTE couvrent presque toutes les communes ; utilisez « ruralite » (CRTE à dominante rurale)",
}

# Families of contracts and zonings on the coverage page: label, unit words for sentences.
CONTRACT_FAMILIES = Vocabulary("contract_families", [
    _t("qpv", "Quartiers prioritaires (QPV)", one="QPV", many="QPV", unit="QPV"),
    _t("ville", "Contrats de ville", one="contrat de ville", many="contrats de ville", unit="contrats"),
    _t("ruralite", "Contrats de ruralité (CRTE à dominante rurale)", one="CRTE à dominante rurale",
       many="CRTE à dominante rurale", unit="CRTE"),
    _t("frr", "France ruralités revitalisation (FRR)", one="commune FRR", many="communes FRR",
       unit="communes FRR"),
    _t("leader", "LEADER (GAL)", one="GAL", many="GAL", unit="GAL"),
    _t("pvd", "Petites villes de demain", one="commune PVD", many="communes PVD", unit="communes PVD"),
    _t("acv", "Action cœur de ville", one="commune ACV", many="communes ACV", unit="communes ACV"),
])

# Territorial levels.
LEVELS = Vocabulary("levels", [
    _t("reg", "Région", lower="région", plural="régions"),
    _t("dep", "Département", lower="département", plural="départements"),
    _t("epci", "EPCI", lower="EPCI", plural="EPCI"),
    _t("commune", "Commune", lower="commune", plural="communes"),
])

# Coverage denominator (URL `perimetre`): the contracts of the départements where the filtered structures
# work, or every contract of the selected territory.
PERIMETERS = Vocabulary("perimeters", [
    _t("reseau", "Territoires du réseau",
       rule="contrats situés dans les départements couverts par les structures retenues"),
    _t("france", "France entière", rule="tous les contrats de la zone choisie (France par défaut)"),
])

# Coverage threshold (URL `seuil`): a contract counts as reached when a project of the period reached
# this stage there (compared through stage ranks: `stage` is a code of STAGES).
COVERAGE_THRESHOLDS = Vocabulary("coverage_thresholds", [
    _t("detection", "Au moins un projet détecté", stage="detection"),
    _t("etude", "Au moins un projet arrivé à l'étude d'opportunité", stage="etude"),
    _t("creation", "Au moins un projet créé", stage="cree"),
])

# Who signs a contrat de ville: the EPCI holding the QPV, except in the Métropole du Grand Paris where the
# établissements publics territoriaux (EPT) and the City of Paris sign.
CONTRACT_UNIT_KINDS = Vocabulary("contract_unit_kinds", [
    _t("epci", "EPCI"),
    _t("ept", "Établissement public territorial (EPT)"),
    _t("commune", "Ville de Paris"),
])

# Every vocabulary the build registers as a table vocab_<name>.
ALL = [STAGES, STATUSES, IAE, SIAE_TYPES, ZONINGS, CONTRACT_FAMILIES, LEVELS, PERIMETERS, COVERAGE_THRESHOLDS,
       CONTRACT_UNIT_KINDS]

"""The indicator dictionary: complete rows, distinct names, and every query column it names exists."""
import pytest

from fabrique import db, dictionary
from fabrique.filters import Filters

EXTRA = {"structure_id": "S1", "family": None, "level": "dep", "zone_reg": None, "zone_dep": None,
         "zoom_reg": None, "zoom_dep": None, "perimetre": "reseau", "seuil": "detection"}


def test_every_indicator_has_every_field_in_french():
    for ind in dictionary.INDICATORS:
        for field in dictionary.LABELS:
            assert getattr(ind, field).strip(), (ind.code, field)
    assert len({i.code for i in dictionary.INDICATORS}) == len(dictionary.INDICATORS)
    assert len({i.name for i in dictionary.INDICATORS}) == len(dictionary.INDICATORS)


def test_one_name_one_figure():
    """The figures that used to share a name have their own (issue point 7)."""
    names = {i.name for i in dictionary.INDICATORS}
    assert {"Études d'opportunité déclarées", "Projets arrivés à l'étude d'opportunité", "Créations de l'année",
            "Créations de la cohorte", "Partenaires mobilisés (somme des déclarations)"} <= names
    assert "Études d'opportunité" not in names and "Créations" not in names


@pytest.mark.parametrize("code", ["coverage_qpv", "coverage_ville", "coverage_ville_qpv_commune", "qpv_code_missing",
                                  "coverage_ruralite", "coverage_frr", "coverage_leader", "presence_departments",
                                  "presence_epci"])
def test_new_definitions_are_in_the_dictionary(code):
    ind = dictionary.by_code(code)
    assert ind.numerator != "—" and ind.columns


def test_rules_are_stated():
    ruralite = dictionary.by_code("coverage_ruralite").definition
    assert "au moins la moitié de la population" in ruralite and "niveaux 5 à 7" in ruralite
    assert "EPT" in dictionary.by_code("coverage_ville").definition
    assert "perimetre" in dictionary.by_code("coverage_qpv").perimeter
    assert "seuil" in dictionary.by_code("coverage_qpv").period
    assert dict(dictionary.COMMON_RULES)["Période"].startswith("Années civiles")
    assert list(dictionary.frame().columns) == list(dictionary.LABELS)


def test_named_query_columns_exist(tiny_db):
    outputs = {}
    for ind in dictionary.INDICATORS:
        for ref in ind.columns:
            name, column = ref.split(":")
            if name not in outputs:
                outputs[name] = set(db.run(name, {**Filters(2019, 2023).params(), **EXTRA}, path=tiny_db).columns)
            assert column in outputs[name], (ind.code, ref)

-- Coverage of each family of contracts (vocab_contract_families): contracts reached by at least one
-- project of the period (numerator) among the contracts of the perimeter (denominator), and the rate, for
-- the whole perimeter or by région / département. $perimetre: 'reseau' (contracts of the départements
-- covered by the filtered structures active during the period) or 'france' (every contract of the selected
-- régions / départements); both counts are returned (*_reseau_n, *_france_n, other_contracts_n).
-- $seuil: 'detection', 'etude' or 'creation' (vocab_coverage_thresholds): a contract is reached when a
-- project detected in the period lies there and reached that stage. A QPV is reached through the project's
-- QPV code; a contrat de ville when a project lies in one of its QPV (covered_qpv_commune_n: in a commune of
-- the contract that has a QPV, a second, looser figure); the other families through the project's commune.
-- qpv_code_missing_n (qpv and ville rows): projects counted that lie in a commune with a QPV but carry no
-- QPV code. A contract lying in several territories (CRTE, GAL) counts once in each, so only QPV, contrat
-- de ville, FRR, PVD and ACV rows add up to the whole. Only the 101 départements count.
-- lon_min..lat_max: extent of the territory's commune centroids and map_dep_code one of its départements
-- (overseas insets), so that charts.fit_view can frame a filtered map.
-- grain: one row per (family, territory); $level: 'france' (one territory: the perimeter), 'reg', 'dep';
-- $family: one family code, or null for all
-- params: $level, $family, $perimetre, $seuil, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
select * exclude (family_order)
from coverage_rates($level, $family, $perimetre, $seuil, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
order by family_order, territory_code

-- Contracts of one family in the perimeter ($perimetre 'reseau' or 'france', as coverage/contract_rates),
-- each with the number of projects of the period that reached it at the threshold ($seuil): the covered
-- ones and the "zones blanches" (none), with a point to draw. Contrats de ville: one row per contract unit
-- (EPCI holding a QPV; EPT or Paris in the Métropole du Grand Paris), contract_kind says which;
-- is_covered_qpv_commune: a project lies in a commune of the contract that has a QPV (looser figure).
-- Point: QPV centroid; contrat de ville: population-weighted centroid of its communes; CRTE and GAL: mean
-- of their communes' centroids; FRR, PVD, ACV: the commune's centroid. dep_code: the département holding
-- the point (overseas insets); dep_label: every département the contract lies in. lon_min..lat_max repeat
-- the point so that charts.fit_view can frame the map on the rows shown. in_reseau: lies in a département
-- of the network. $zone_reg / $zone_dep (null = all) narrow the list to the contracts lying in one région /
-- département.
-- grain: one row per contract of $family
-- params: $family, $perimetre, $seuil, $zone_reg, $zone_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: territory level=contract main=projects_n groups=dep_code
select *
from contract_list($family, $perimetre, $seuil, $zone_reg, $zone_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
order by dep_code, strip_accents(lower(contract_name)), contract_id

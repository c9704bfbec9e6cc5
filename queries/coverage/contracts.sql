-- Contracts of one family as the current Couverture page reads them: France perimeter, "détection"
-- threshold, the CRTE à dominante rurale under their former code 'crte'. The same rows as
-- coverage/contract_list with $perimetre = 'france' and $seuil = 'detection' (one macro: contract_list,
-- queries/macros/coverage.sql); kept until the page reads coverage/contract_list, then to be deleted.
-- grain: one row per contract of $family
-- params: $family, $zone_reg, $zone_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: territory level=contract main=projects_n groups=dep_code
select contract_id, contract_name, dep_label, dep_code, lon, lat, lon_min, lon_max, lat_min, lat_max,
       projects_n, is_covered, hover_text
from contract_list(case when $family = 'crte' then 'ruralite' else $family end, 'france', 'detection',
                   $zone_reg, $zone_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
order by dep_code, contract_name, contract_id

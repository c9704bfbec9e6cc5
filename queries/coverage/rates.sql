-- Coverage of each family of contracts as the current Couverture page reads it: France denominator
-- (every contract of the selected régions / départements) and the "détection" threshold, the CRTE à
-- dominante rurale under their former code 'crte'. The same figures as coverage/contract_rates with
-- $perimetre = 'france' and $seuil = 'detection' (one macro: coverage_rates, queries/macros/coverage.sql);
-- kept until the page reads coverage/contract_rates, then to be deleted.
-- grain: one row per (family, territory); $level: 'france' (one territory: the perimeter), 'reg', 'dep';
-- $family: one family code, or null for all
-- params: $level, $family, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
select case family when 'ruralite' then 'crte' else family end as family, family_name, unit_name,
       territory_code, territory_name, covered_n, contracts_n, uncovered_n, coverage_pct,
       map_dep_code, lon_min, lon_max, lat_min, lat_max
from coverage_rates($level, case when $family = 'crte' then 'ruralite' else $family end, 'france', 'detection',
                    $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
order by family_order, territory_code

-- Coverage of each family of contracts: contracts in the perimeter (denominator), those with at least
-- one project detected in the period in their territory (numerator) and the rate, for the whole
-- perimeter or by région / département. The région/département filters select the CONTRACTS (by
-- their own territory); the other filters and the period select the projects. Only the 101
-- départements count: QPV of French Polynesia and Saint-Martin are outside the COG commune list.
-- Families: qpv (QPV reached through project.qpv_code), ville (EPCI with a QPV commune, proxy for
-- the contrat de ville 2024-2030), crte, leader (GAL, empty until a GAL file is imported), pvd, acv.
-- A contract lying in several territories (CRTE, GAL) counts once in each, so only QPV, EPCI, PVD
-- and ACV rows add up to the whole.
-- lon_min..lat_max: extent of the territory's commune centroids within the perimeter, and map_dep_code
-- one of its départements (for the overseas insets), so that charts.fit_view can frame a filtered map.
-- grain: one row per (family, territory); $level: 'france' (one territory: the perimeter), 'reg', 'dep';
-- $family: one family code, or null for all six
-- params: $level, $family, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with projects as (
    select project_id, insee_code, qpv_code, epci_siren
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
),
perimeter as (
    select d.dep_code, d.reg_code
    from departments d
    where ($regs is null or list_contains($regs, d.reg_code))
      and ($deps is null or list_contains($deps, d.dep_code))
),
families as (
    select * from (values
        (1, 'qpv', 'Quartiers prioritaires (QPV)', 'QPV'),
        (2, 'ville', 'EPCI sous contrat de ville', 'EPCI'),
        (3, 'crte', 'Contrats de ruralité (CRTE)', 'CRTE'),
        (4, 'leader', 'LEADER (GAL)', 'GAL'),
        (5, 'pvd', 'Petites villes de demain', 'communes PVD'),
        (6, 'acv', 'Action cœur de ville', 'communes ACV')
    ) as t(family_order, family, family_name, unit_name)
    where $family is null or family = $family
),
-- where each contract lies: one row per (family, contract, département)
placements as (
    select 'qpv' as family, q.qpv_code as contract_id, q.dep_code
    from qpv q
    union all
    select 'ville', e.epci_siren, e.dep_code
    from contrat_ville_epci v
    join epci e using (epci_siren)
    union all
    select distinct 'crte', cc.crte_id, c.dep_code
    from crte_communes cc
    join communes c using (insee_code)
    union all
    select distinct 'leader', lc.gal_id, c.dep_code
    from leader_communes lc
    join communes c using (insee_code)
    union all
    select 'pvd', p.insee_code, c.dep_code
    from pvd_communes p
    join communes c using (insee_code)
    union all
    select 'acv', a.insee_code, c.dep_code
    from acv_communes a
    join communes c using (insee_code)
),
-- contracts with at least one project of the period in their territory
reached as (
    select distinct 'qpv' as family, qpv_code as contract_id from projects where qpv_code is not null
    union all
    select distinct 'ville', p.epci_siren from projects p join contrat_ville_epci v using (epci_siren)
    union all
    select distinct 'crte', cc.crte_id from projects p join crte_communes cc using (insee_code)
    union all
    select distinct 'leader', lc.gal_id from projects p join leader_communes lc using (insee_code)
    union all
    select distinct 'pvd', insee_code from projects join pvd_communes using (insee_code)
    union all
    select distinct 'acv', insee_code from projects join acv_communes using (insee_code)
),
territories as (
    select distinct
           case $level when 'reg' then p.reg_code when 'dep' then p.dep_code else 'FR' end as territory_code
    from perimeter p
),
-- each contract once per territory of the chosen level, inside the perimeter only
contract_territories as (
    select distinct pl.family, pl.contract_id,
           case $level when 'reg' then p.reg_code when 'dep' then p.dep_code else 'FR' end as territory_code
    from placements pl
    join perimeter p using (dep_code)
),
extents as (
    select case $level when 'reg' then p.reg_code when 'dep' then p.dep_code else 'FR' end as territory_code,
           min(p.dep_code) as map_dep_code,
           min(c.lon) as lon_min, max(c.lon) as lon_max, min(c.lat) as lat_min, max(c.lat) as lat_max
    from perimeter p
    join communes c using (dep_code)
    group by 1
),
counts as (
    select ct.family, ct.territory_code,
           count(*) as contracts_n,
           count(r.contract_id) as covered_n
    from contract_territories ct
    left join reached r using (family, contract_id)
    group by ct.family, ct.territory_code
),
final as (
    select f.family, f.family_name, f.unit_name, t.territory_code,
           coalesce(d.dep_name, r.reg_name, 'Ensemble du périmètre') as territory_name,
           coalesce(c.covered_n, 0) as covered_n,
           coalesce(c.contracts_n, 0) as contracts_n,
           coalesce(c.contracts_n, 0) - coalesce(c.covered_n, 0) as uncovered_n,
           c.covered_n / nullif(c.contracts_n, 0) as coverage_pct,
           e.map_dep_code, e.lon_min, e.lon_max, e.lat_min, e.lat_max,
           f.family_order
    from families f
    cross join territories t
    left join counts c on c.family = f.family and c.territory_code = t.territory_code
    left join extents e on e.territory_code = t.territory_code
    left join regions r on $level = 'reg' and r.reg_code = t.territory_code
    left join departments d on $level = 'dep' and d.dep_code = t.territory_code
)
select * exclude (family_order) from final
order by family_order, territory_code

-- Contracts of one family in the perimeter, each with the number of projects detected in the period
-- in its territory: the covered ones and the "zones blanches" (no project), with a point to draw.
-- Same rules as coverage/rates: the région/département filters select contracts by their own
-- territory, the other filters and the period select projects; only the 101 départements count.
-- Point: QPV centroid; PVD/ACV commune centroid; EPCI population-weighted centroid; CRTE and GAL:
-- mean of their communes' centroids. map_dep_code: the département that holds the point (for the
-- overseas insets); dep_label: every département the contract lies in. lon_min..lat_max repeat the
-- point so that charts.fit_view can frame the map on the rows shown.
-- $zone_reg / $zone_dep (null = all) narrow the list to the contracts lying in one région / département.
-- grain: one row per contract of $family ('qpv', 'ville', 'crte', 'leader', 'pvd', 'acv')
-- params: $family, $zone_reg, $zone_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: territory level=contract main=projects_n groups=dep_code
with projects as (
    select project_id, insee_code, qpv_code, epci_siren
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
),
perimeter as (
    select d.dep_code
    from departments d
    where ($regs is null or list_contains($regs, d.reg_code))
      and ($deps is null or list_contains($deps, d.dep_code))
      and ($zone_reg is null or d.reg_code = $zone_reg)
      and ($zone_dep is null or d.dep_code = $zone_dep)
),
-- member communes of the contracts defined by a commune list (CRTE, GAL)
crte_members as (
    select cc.crte_id as contract_id, c.insee_code, c.dep_code, c.lon, c.lat
    from crte_communes cc
    join communes c using (insee_code)
    where $family = 'crte'
),
gal_members as (
    select lc.gal_id as contract_id, c.insee_code, c.dep_code, c.lon, c.lat
    from leader_communes lc
    join communes c using (insee_code)
    where $family = 'leader'
),
members as (
    select * from crte_members
    union all
    select * from gal_members
),
member_points as (
    select contract_id, avg(lon) as lon, avg(lat) as lat,
           mode(dep_code order by dep_code) as map_dep_code
    from members
    group by contract_id
),
member_deps as (
    select distinct contract_id, dep_code from members
),
contracts as (
    select q.qpv_code as contract_id, q.qpv_name as contract_name, q.dep_code as map_dep_code,
           q.lon, q.lat
    from qpv q
    where $family = 'qpv'
    union all
    select e.epci_siren, e.epci_name, e.dep_code, e.lon, e.lat
    from contrat_ville_epci v
    join epci e using (epci_siren)
    where $family = 'ville'
    union all
    select g.crte_id, g.crte_name, mp.map_dep_code, mp.lon, mp.lat
    from crte g
    join member_points mp on mp.contract_id = g.crte_id
    where $family = 'crte'
    union all
    select g.gal_id, g.gal_name, mp.map_dep_code, mp.lon, mp.lat
    from leader_gal g
    join member_points mp on mp.contract_id = g.gal_id
    where $family = 'leader'
    union all
    select c.insee_code, c.commune_name, c.dep_code, c.lon, c.lat
    from pvd_communes p
    join communes c using (insee_code)
    where $family = 'pvd'
    union all
    select c.insee_code, c.commune_name, c.dep_code, c.lon, c.lat
    from acv_communes a
    join communes c using (insee_code)
    where $family = 'acv'
),
-- départements of each contract: its own for point-like contracts, its communes' for CRTE and GAL
contract_deps as (
    select contract_id, map_dep_code as dep_code
    from contracts
    where $family not in ('crte', 'leader')
    union all
    select contract_id, dep_code from member_deps
),
in_perimeter as (
    select distinct contract_id
    from contract_deps
    join perimeter using (dep_code)
),
dep_labels as (
    select cd.contract_id,
           string_agg(d.dep_name || ' (' || d.dep_code || ')', ', ' order by d.dep_code) as dep_label
    from contract_deps cd
    join departments d using (dep_code)
    group by cd.contract_id
),
project_counts as (
    select qpv_code as contract_id, count(*) as projects_n
    from projects where $family = 'qpv' and qpv_code is not null group by qpv_code
    union all
    select epci_siren, count(*) from projects where $family = 'ville' group by epci_siren
    union all
    select m.contract_id, count(*) from projects p join members m using (insee_code) group by m.contract_id
    union all
    select insee_code, count(*) from projects where $family in ('pvd', 'acv') group by insee_code
),
final as (
    select c.contract_id, c.contract_name, dl.dep_label, c.map_dep_code as dep_code, c.lon, c.lat,
           c.lon as lon_min, c.lon as lon_max, c.lat as lat_min, c.lat as lat_max,
           coalesce(pc.projects_n, 0) as projects_n,
           coalesce(pc.projects_n, 0) > 0 as is_covered,
           c.contract_name || ' (' || c.contract_id || ') · '
               || case coalesce(pc.projects_n, 0) when 0 then 'aucun projet'
                                                  when 1 then '1 projet'
                                                  else pc.projects_n || ' projets' end as hover_text
    from contracts c
    join in_perimeter using (contract_id)
    left join dep_labels dl using (contract_id)
    left join project_counts pc using (contract_id)
)
select * from final
order by dep_code, contract_name, contract_id

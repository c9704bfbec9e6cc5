-- Contract coverage written once (queries/coverage/*): which contracts lie in the perimeter, which a
-- project of the period reached, the rates by territory and the list of contracts with their points.
-- perim: 'reseau' = the contracts of the départements covered by the filtered structures active at some
-- time in the period; 'france' = every contract of the selected régions / départements (France without
-- filter). Both counts are always returned. The région and département filters select contracts by their
-- own territory (contract_departments); the other filters and the period select the projects.
-- threshold: a vocab_coverage_thresholds code; a contract is reached when a project detected in the
-- period lies there (contract_keys) and reached that stage (stage ranks, never a typed rank).

create or replace macro network_departments(year_from, year_to, regs, deps, structure_ids, status) as table
select distinct sd.dep_code
from scoped_structures(regs, deps, structure_ids, status, year_to) s
join structure_departments sd on sd.structure_id = s.structure_id
where is_active_between(s.joined_year, s.exit_year, year_from, year_to)
  and (regs is null or list_contains(regs, sd.reg_code))
  and (deps is null or list_contains(deps, sd.dep_code));

-- the départements of the selected régions / départements, and whether the network works there
create or replace macro perimeter_departments(year_from, year_to, regs, deps, structure_ids, status) as table
select d.dep_code, d.reg_code, d.dep_name,
       d.dep_code in (select n.dep_code
                      from network_departments(year_from, year_to, regs, deps, structure_ids, status) n) as in_reseau
from departments d
where (regs is null or list_contains(regs, d.reg_code))
  and (deps is null or list_contains(deps, d.dep_code));

create or replace macro threshold_rank(threshold) as
    (select o.stage_rank
     from vocab_coverage_thresholds t
     join stage_order o on o.code = t.stage
     where t.code = threshold);

-- projects of the period, within every filter, that reached the threshold stage
create or replace macro reaching_projects(threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
select p.*
from period_projects(year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) p
where p.reached_rank >= threshold_rank(threshold);

-- one row per (contract, département of the selected territory it lies in)
create or replace macro contract_placements(fam, year_from, year_to, regs, deps, structure_ids, status) as table
select cd.family, cd.contract_id, cd.dep_code, cd.reg_code, pd.in_reseau
from contract_departments cd
join perimeter_departments(year_from, year_to, regs, deps, structure_ids, status) pd on pd.dep_code = cd.dep_code
where fam is null or cd.family = fam;

-- projects reaching each contract (project_contracts): projects_n through the contract's own rule (its QPV,
-- its communes); projects_qpv_commune_n (contrats de ville) through a commune of the contract that has a QPV
create or replace macro contract_hits(fam, threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
with reaching as materialized (
    select project_id
    from reaching_projects(threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types,
                           zonages, stages)
)
-- project_contracts holds each (project, contract, via) once: count(*) counts projects, without the cost
-- of a distinct count
select pc.family, pc.contract_id,
       count(*) filter (where pc.via = 'own') as projects_n,
       count(*) filter (where pc.via = 'qpv_commune') as projects_qpv_commune_n
from project_contracts pc
where pc.project_id in (select r.project_id from reaching r)
  and (fam is null or pc.family = fam)
group by pc.family, pc.contract_id;

-- Rates of each family by territory of the level ('france': one row, 'reg', 'dep'): numerator and
-- denominator for the chosen perimeter, the counts of both perimeters, the looser contrat de ville figure
-- and the QPV data-quality count (projects counted that lie in a commune with a QPV but carry no QPV code).
create or replace macro coverage_rates(level, fam, perim, threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
with families as (
    select rank as family_order, code as family, label as family_name, unit as unit_name
    from vocab_contract_families
    where fam is null or code = fam
),
-- each contract once per territory of the level; in the network's perimeter when one of its
-- départements inside that territory is
contract_territories as materialized (
    select family, contract_id, territory_code(level, reg_code, dep_code) as territory_code,
           bool_or(in_reseau) as in_reseau
    from contract_placements(fam, year_from, year_to, regs, deps, structure_ids, status)
    group by all
),
hits as materialized (
    select family, contract_id, projects_n, projects_qpv_commune_n
    from contract_hits(fam, threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types,
                       zonages, stages)
),
counts as (
    select ct.family, ct.territory_code,
           count(*) as contracts_france_n,
           count(*) filter (where h.projects_n > 0) as covered_france_n,
           count(*) filter (where ct.in_reseau) as contracts_reseau_n,
           count(*) filter (where ct.in_reseau and h.projects_n > 0) as covered_reseau_n,
           count(*) filter (where h.projects_qpv_commune_n > 0 and (perim = 'france' or ct.in_reseau))
               as covered_qpv_commune_n
    from contract_territories ct
    left join hits h on h.family = ct.family and h.contract_id = ct.contract_id
    group by all
),
deps_in as materialized (
    select dep_code, reg_code, in_reseau, territory_code(level, reg_code, dep_code) as territory_code
    from perimeter_departments(year_from, year_to, regs, deps, structure_ids, status)
),
-- extent of each territory (its communes' centroids) and one of its départements, to frame a map
extents as (
    select d.territory_code, min(d.dep_code) as map_dep_code,
           min(c.lon) as lon_min, max(c.lon) as lon_max, min(c.lat) as lat_min, max(c.lat) as lat_max
    from deps_in d
    join communes c using (dep_code)
    group by d.territory_code
),
qpv_quality as materialized (
    select d.territory_code, count(*) as qpv_code_missing_n
    from reaching_projects(threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types,
                           zonages, stages) p
    join deps_in d on d.dep_code = p.dep_code
    where p.in_qpv_commune and p.qpv_code is null
      and (perim = 'france' or d.in_reseau)
    group by d.territory_code
)
select f.family, f.family_name, f.unit_name, e.territory_code,
       coalesce(dp.dep_name, r.reg_name, 'Ensemble du périmètre') as territory_name,
       perim as perimetre, threshold as seuil,
       coalesce(case when perim = 'reseau' then c.covered_reseau_n else c.covered_france_n end, 0) as covered_n,
       coalesce(case when perim = 'reseau' then c.contracts_reseau_n else c.contracts_france_n end, 0) as contracts_n,
       coalesce(case when perim = 'reseau' then c.contracts_reseau_n - c.covered_reseau_n
                     else c.contracts_france_n - c.covered_france_n end, 0) as uncovered_n,
       case when perim = 'reseau' then c.covered_reseau_n / nullif(c.contracts_reseau_n, 0)
            else c.covered_france_n / nullif(c.contracts_france_n, 0) end as coverage_pct,
       coalesce(c.covered_reseau_n, 0) as covered_reseau_n,
       coalesce(c.contracts_reseau_n, 0) as contracts_reseau_n,
       coalesce(c.covered_france_n, 0) as covered_france_n,
       coalesce(c.contracts_france_n, 0) as contracts_france_n,
       coalesce(case when perim = 'reseau' then c.contracts_france_n else c.contracts_reseau_n end, 0)
           as other_contracts_n,
       case when f.family = 'ville' then coalesce(c.covered_qpv_commune_n, 0) end as covered_qpv_commune_n,
       case when f.family in ('qpv', 'ville') then coalesce(q.qpv_code_missing_n, 0) end as qpv_code_missing_n,
       e.map_dep_code, e.lon_min, e.lon_max, e.lat_min, e.lat_max,
       f.family_order
from families f
cross join extents e
left join counts c on c.family = f.family and c.territory_code = e.territory_code
left join qpv_quality q on q.territory_code = e.territory_code
left join regions r on level = 'reg' and r.reg_code = e.territory_code
left join departments dp on level = 'dep' and dp.dep_code = e.territory_code;

-- The contracts of one family in the perimeter (and in the zone: $zone_reg / $zone_dep, null = all), each
-- with the projects that reached it: the covered ones and the "zones blanches", with a point to draw.
create or replace macro contract_list(fam, perim, threshold, zone_reg, zone_dep, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
with placed as materialized (
    select family, contract_id, bool_or(in_reseau) as in_reseau,
           bool_or((zone_reg is null or reg_code = zone_reg) and (zone_dep is null or dep_code = zone_dep)) as in_zone
    from contract_placements(fam, year_from, year_to, regs, deps, structure_ids, status)
    group by family, contract_id
)
select c.contract_id, c.contract_name, c.contract_kind, c.dep_label, c.map_dep_code as dep_code, c.lon, c.lat,
       c.lon as lon_min, c.lon as lon_max, c.lat as lat_min, c.lat as lat_max,
       coalesce(h.projects_n, 0) as projects_n,
       coalesce(h.projects_n, 0) > 0 as is_covered,
       case when c.family = 'ville' then coalesce(h.projects_qpv_commune_n, 0) > 0 end as is_covered_qpv_commune,
       pl.in_reseau,
       c.contract_name || ' (' || c.contract_id || ') · '
           || case coalesce(h.projects_n, 0) when 0 then 'aucun projet'
                                             when 1 then '1 projet'
                                             else h.projects_n || ' projets' end as hover_text
from placed pl
join contracts c on c.family = pl.family and c.contract_id = pl.contract_id
left join contract_hits(fam, threshold, year_from, year_to, regs, deps, structure_ids, status, iae, siae_types,
                        zonages, stages) h
  on h.family = pl.family and h.contract_id = pl.contract_id
where pl.in_zone and (perim = 'france' or pl.in_reseau);

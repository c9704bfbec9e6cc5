-- Structures working on one territory: a structure works there when the départements it covers include
-- one of the territory's (for an EPCI or a commune: its département), and it was in the network during
-- the period (joined by $year_to, not left before $year_from). Status: today's (status), and whether
-- it held the appellation at the end of the period (appellation_at_end). Projects located in the
-- territory: detected in the period (projects_n), created in the period (creations_n); every filter applies.
-- grain: one row per structure working on the territory
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with territory as (
    select * from territories where level = $niveau and code = $code
),
territory_deps as (
    select unnest(dep_codes) as dep_code from territory
),
members as (
    select c.insee_code
    from communes c
    where case $niveau when 'reg' then c.reg_code when 'dep' then c.dep_code
                       when 'epci' then c.epci_siren when 'commune' then c.insee_code end = $code
),
working as (
    select sd.structure_id,
           string_agg(d.dep_name || ' (' || d.dep_code || ')', ', ' order by d.dep_code) as departments_here
    from structure_departments sd
    join territory_deps t using (dep_code)
    join departments d using (dep_code)
    group by sd.structure_id
),
scoped as (
    select *
    from scoped_structures($regs, $deps, $structure_ids, $status)
    where joined_year <= $year_to and (exit_year is null or exit_year >= $year_from)
),
projects as (
    select structure_id,
           count(*) filter (where detected_year between $year_from and $year_to) as projects_n,
           count(*) filter (where created_year between $year_from and $year_to) as creations_n
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where insee_code in (select insee_code from members)
    group by structure_id
),
final as (
    select s.structure_id, s.name, s.status, s.joined_year, s.appellation_year, s.exit_year,
           coalesce(s.appellation_year <= $year_to, false) as appellation_at_end,
           s.commune_name as seat_commune_name, s.dep_code as seat_dep_code,
           s.insee_code in (select insee_code from members) as seat_in_territory,
           w.departments_here,
           coalesce(p.projects_n, 0) as projects_n,
           coalesce(p.creations_n, 0) as creations_n
    from scoped s
    join working w using (structure_id)
    left join projects p using (structure_id)
)
select * from final
order by joined_year, strip_accents(lower(name)), structure_id

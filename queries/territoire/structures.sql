-- Structures working on one territory: a structure works there when the départements it covers include
-- one of the territory's (for an EPCI or a commune: its département), and it was in the network at some
-- time in the period (joined by $year_to, not left before $year_from). Status: today's (status), its code
-- at the end of the period (status_code_end, null when the structure left before then: exit_year).
-- Projects located in the territory: detected in the period (projects_n), created in the period
-- (creations_n); every filter applies. Protected viewers get no project counts per structure below the
-- département (a structure's projects in one commune are a handful).
-- grain: one row per structure working on the territory
-- disclosure: territory level=$niveau main=projects_n drop=projects_n,creations_n
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with territory_deps as (
    select unnest(t.dep_codes) as dep_code
    from territory_of($niveau, $code) t
),
working as (
    select sd.structure_id,
           string_agg(d.dep_name || ' (' || d.dep_code || ')', ', ' order by d.dep_code) as departments_here
    from structure_departments sd
    join territory_deps t using (dep_code)
    join departments d using (dep_code)
    group by sd.structure_id
),
members as materialized (
    select insee_code from territory_communes($niveau, $code)
),
projects as (
    select p.structure_id,
           count(*) filter (where p.detected_year between $year_from and $year_to) as projects_n,
           count(*) filter (where p.created_year between $year_from and $year_to) as creations_n
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to) p
    where p.insee_code in (select insee_code from members)
    group by p.structure_id
),
final as (
    select s.structure_id, s.name, s.status, s.joined_year, s.appellation_year, s.exit_year,
           status_code_at(s.joined_year, s.appellation_year, s.exit_year, $year_to) as status_code_end,
           s.commune_name as seat_commune_name, s.dep_code as seat_dep_code,
           s.insee_code in (select insee_code from members) as seat_in_territory,
           w.departments_here,
           coalesce(p.projects_n, 0) as projects_n,
           coalesce(p.creations_n, 0) as creations_n
    from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    join working w using (structure_id)
    left join projects p using (structure_id)
    where is_active_between(s.joined_year, s.exit_year, $year_from, $year_to)
)
select * from final
order by joined_year, strip_accents(lower(name)), structure_id

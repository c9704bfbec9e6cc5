-- Directory of the structures in scope: status today (status) and at the end of the period (status_then:
-- in its last year if it left the network before, exit_year), years of entry and appellation, seat,
-- territory covered, and the projects they followed in the period. A project is "followed" in the
-- period when it was detected by $year_to and was neither created nor abandoned before $year_from;
-- creations count in their year of creation. Project counts follow every project filter.
-- grain: one row per structure active at some time in the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with scoped as (
    select s.*,
           status_at(s.joined_year, s.appellation_year, s.exit_year,
                     least($year_to, coalesce(s.exit_year, $year_to))) as status_then
    from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    where is_active_between(s.joined_year, s.exit_year, $year_from, $year_to)
),
territory as (
    select sd.structure_id,
           string_agg(d.dep_name || ' (' || sd.dep_code || ')', ', ' order by sd.dep_code) as departments,
           string_agg(distinct r.reg_name, ', ' order by r.reg_name) as regions
    from structure_departments sd
    left join departments d using (dep_code)
    left join regions r on r.reg_code = sd.reg_code
    group by sd.structure_id
),
projects as (
    select structure_id,
           count(*) filter (where is_followed(detected_year, created_year, abandoned_year, $year_from, $year_to))
               as projects_n,
           count(*) filter (where created_year between $year_from and $year_to) as creations_n
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    group by structure_id
),
final as (
    select s.structure_id, s.name, s.status, s.joined_year, s.appellation_year,
           s.commune_name || ' (' || s.dep_code || ')' as seat, s.commune_name, s.dep_code, s.lon, s.lat,
           s.name || ' · ' || s.status || ' · siège : ' || coalesce(s.commune_name, '?') as map_label,
           t.departments, t.regions,
           coalesce(p.projects_n, 0) as projects_n,
           coalesce(p.creations_n, 0) as creations_n,
           s.status_then, s.exit_year
    from scoped s
    left join territory t using (structure_id)
    left join projects p using (structure_id)
)
select * from final order by strip_accents(lower(name))

-- Indicators of each structure over the period: séances and études d'opportunité declared (summed over the
-- years; studies_declared_n), partners declared in the last year (partners_declared_n), creations by year of
-- creation (creations_year_n) and jobs. studies_n, partners_n, creations_n: same figures, former names.
-- status_then: its status at the end of the period, or in its last year if it left the network before
-- (exit_year, null: still in it).
-- grain: one row per structure active at some time in the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with scoped as (
    select s.*
    from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    where is_active_between(s.joined_year, s.exit_year, $year_from, $year_to)
),
activity as (
    select structure_id, sum(creativity_sessions) as sessions_n, sum(opportunity_studies) as studies_n
    from annual_activity
    where year between $year_from and $year_to
    group by structure_id
),
last_partners as (
    select structure_id, partners as partners_n
    from annual_activity
    where year = $year_to
),
creations as (
    select structure_id, count(*) as creations_n, sum(jobs_etp) as jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    where created_year between $year_from and $year_to
    group by structure_id
)
select s.structure_id, s.name, r.reg_name,
       status_at(s.joined_year, s.appellation_year, s.exit_year,
                 least($year_to, coalesce(s.exit_year, $year_to))) as status_then,
       s.joined_year, s.appellation_year,
       coalesce(a.sessions_n, 0) as sessions_n, coalesce(a.studies_n, 0) as studies_n,
       coalesce(c.creations_n, 0) as creations_n, coalesce(c.jobs_etp, 0) as jobs_etp,
       coalesce(p.partners_n, 0) as partners_n,
       s.exit_year,
       coalesce(a.studies_n, 0) as studies_declared_n,
       coalesce(c.creations_n, 0) as creations_year_n,
       coalesce(p.partners_n, 0) as partners_declared_n
from scoped s
left join regions r using (reg_code)
left join activity a using (structure_id)
left join last_partners p using (structure_id)
left join creations c using (structure_id)
order by strip_accents(lower(s.name)), s.structure_id

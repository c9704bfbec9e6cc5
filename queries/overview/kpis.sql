-- Key figures of the selected period and of the period of the same length just before it.
-- Structures are counted at the end of each period: active then (joined, not left), by their status then;
-- the `statut` filter keeps the structures with that status at the end of the selected period.
-- Partners are those of the last year (declared per year by each structure and summed over structures:
-- an organisation working with two structures counts twice; years cannot be added up).
-- Two figures, two names: studies_declared_n « Études d'opportunité déclarées » (annual activity) is not the
-- number of projects that reached the study stage (pipeline/kpis studies_reached_n); creations_year_n
-- « Créations de l'année » counts projects by year of creation. studies_n, creations_n and partners_n are
-- the same figures under their former names (kept until the pages switch).
-- grain: one row per period ('current', 'previous')
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with periods as (
    select 'current' as period, $year_from as y_from, $year_to as y_to
    union all
    select 'previous', 2 * $year_from - $year_to - 1, $year_from - 1
),
network as (
    select p.period,
           count(s.structure_id) filter (where is_active(s.joined_year, s.exit_year, p.y_to)) as structures_n,
           count(s.structure_id) filter (where status_code_at(s.joined_year, s.appellation_year, s.exit_year, p.y_to)
                                               = 'experimentation') as experimentation_n,
           count(s.structure_id) filter (where status_code_at(s.joined_year, s.appellation_year, s.exit_year, p.y_to)
                                               = 'appellation') as appellation_n
    from periods p
    cross join scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    group by p.period
),
activity as (
    select p.period,
           sum(a.creativity_sessions) as sessions_n,
           sum(a.opportunity_studies) as studies_n,
           sum(a.partners) filter (where a.year = p.y_to) as partners_n
    from periods p
    join annual_activity a on a.year between p.y_from and p.y_to
    where a.structure_id in (select structure_id from scoped_structures($regs, $deps, $structure_ids, $status, $year_to))
    group by p.period
),
creations as (
    select p.period, count(*) as creations_n, sum(c.jobs_etp) as jobs_etp,
           sum(c.insertion_jobs_etp) as insertion_jobs_etp
    from periods p
    join scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to) c
      on c.created_year between p.y_from and p.y_to
    group by p.period
)
select p.period, p.y_from, p.y_to,
       coalesce(n.structures_n, 0) as structures_n,
       coalesce(n.experimentation_n, 0) as experimentation_n,
       coalesce(n.appellation_n, 0) as appellation_n,
       coalesce(a.sessions_n, 0) as sessions_n,
       coalesce(a.studies_n, 0) as studies_n,
       coalesce(c.creations_n, 0) as creations_n,
       coalesce(c.jobs_etp, 0) as jobs_etp,
       coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp,
       coalesce(a.partners_n, 0) as partners_n,
       coalesce(a.studies_n, 0) as studies_declared_n,
       coalesce(c.creations_n, 0) as creations_year_n,
       coalesce(a.partners_n, 0) as partners_declared_n,
       is_partial_year(p.y_to) as is_partial
from periods p
left join network n using (period)
left join activity a using (period)
left join creations c using (period)
order by p.period

-- Key figures of one structure over the period: activity declared (séances, études summed over
-- the years: studies_declared_n; partenaires of the last year: partners_declared_n) and its creations by
-- year of creation (creations_year_n) and jobs (every project filter applies). studies_n, partners_n,
-- creations_n: same figures, former names.
-- grain: one row
-- params: $structure_id, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with activity as (
    select sum(creativity_sessions) as sessions_n, sum(opportunity_studies) as studies_n,
           sum(partners) filter (where year = $year_to) as partners_n
    from annual_activity
    where structure_id = $structure_id and year between $year_from and $year_to
),
creations as (
    select count(*) as creations_n, sum(jobs_etp) as jobs_etp, sum(insertion_jobs_etp) as insertion_jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    where structure_id = $structure_id and created_year between $year_from and $year_to
),
final as (
    select cast(coalesce(a.sessions_n, 0) as bigint) as sessions_n,
           cast(coalesce(a.studies_n, 0) as bigint) as studies_n,
           cast(a.partners_n as bigint) as partners_n,
           c.creations_n, coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp,
           cast(coalesce(a.studies_n, 0) as bigint) as studies_declared_n,
           cast(a.partners_n as bigint) as partners_declared_n,
           c.creations_n as creations_year_n
    from activity a
    cross join creations c
)
select * from final

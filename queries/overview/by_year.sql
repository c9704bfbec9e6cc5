-- Network indicators year by year: structures by status, activity declared, creations and jobs.
-- Activity figures follow the structure filters (région, département, structure, statut) only;
-- creations and jobs follow every project filter and count in the year of creation.
-- grain: one row per year of the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with years as (
    select unnest(range($year_from, $year_to + 1)) as year
),
scoped as (
    select * from scoped_structures($regs, $deps, $structure_ids, $status)
),
network as (
    select y.year,
           count(s.structure_id) filter (where s.joined_year <= y.year) as structures_n,
           count(s.structure_id) filter (where s.joined_year <= y.year
                                           and (s.appellation_year is null or s.appellation_year > y.year)) as experimentation_n,
           count(s.structure_id) filter (where s.appellation_year <= y.year) as appellation_n
    from years y
    cross join scoped s
    group by y.year
),
activity as (
    select a.year,
           sum(a.creativity_sessions) as sessions_n,
           sum(a.opportunity_studies) as studies_n,
           sum(a.partners) as partners_n
    from annual_activity a
    where a.structure_id in (select structure_id from scoped)
      and a.year between $year_from and $year_to
    group by a.year
),
creations as (
    select created_year as year, count(*) as creations_n,
           sum(jobs_etp) as jobs_etp, sum(insertion_jobs_etp) as insertion_jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where created_year between $year_from and $year_to
    group by created_year
),
final as (
    select y.year,
           coalesce(n.structures_n, 0) as structures_n,
           coalesce(n.experimentation_n, 0) as experimentation_n,
           coalesce(n.appellation_n, 0) as appellation_n,
           coalesce(a.sessions_n, 0) as sessions_n,
           coalesce(a.studies_n, 0) as studies_n,
           coalesce(c.creations_n, 0) as creations_n,
           coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp,
           coalesce(a.partners_n, 0) as partners_n
    from years y
    left join network n using (year)
    left join activity a using (year)
    left join creations c using (year)
)
select * from final order by year

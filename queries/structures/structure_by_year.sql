-- One structure's indicators year by year, from its year of entry (or $year_from) to $year_to.
-- Séances, études and partenaires are declared in annual_activity (null: nothing declared that
-- year); créations and emplois come from its projects, counted in the year of creation, and follow
-- every project filter of the frame (so they add up to the creations of the structure list).
-- grain: one row per year
-- params: $structure_id, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with structure as (
    select joined_year from structures where structure_id = $structure_id
),
years as (
    select unnest(range(greatest($year_from, (select joined_year from structure)), $year_to + 1)) as year
),
activity as (
    select year, creativity_sessions as sessions_n, opportunity_studies as studies_n, partners as partners_n
    from annual_activity
    where structure_id = $structure_id
),
creations as (
    select created_year as year, count(*) as creations_n,
           sum(jobs_etp) as jobs_etp, sum(insertion_jobs_etp) as insertion_jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where structure_id = $structure_id
    group by created_year
),
final as (
    select y.year, a.sessions_n, a.studies_n, a.partners_n,
           coalesce(c.creations_n, 0) as creations_n,
           coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp
    from years y
    left join activity a using (year)
    left join creations c using (year)
)
select * from final order by year

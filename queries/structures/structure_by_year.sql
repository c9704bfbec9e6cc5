-- One structure's indicators year by year, from its year of entry (or $year_from) to $year_to, or to
-- its exit year when it left the network. Séances, études (studies_declared_n) and partenaires
-- (partners_declared_n) are declared in annual_activity (null: nothing declared that year); créations
-- (creations_year_n) and emplois come from its projects, counted in the year of creation, and follow
-- every project filter of the frame (so they add up to the creations of the structure list).
-- status_then: its status that year; is_partial: the year is not over at the data date.
-- studies_n, partners_n, creations_n: same figures, former names.
-- grain: one row per year
-- params: $structure_id, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with structure as (
    select joined_year, appellation_year, exit_year from structures where structure_id = $structure_id
),
years as (
    select unnest(range(greatest($year_from, (select joined_year from structure)),
                        least($year_to, coalesce((select exit_year from structure), $year_to)) + 1)) as year
),
activity as (
    select year, creativity_sessions as sessions_n, opportunity_studies as studies_n, partners as partners_n
    from annual_activity
    where structure_id = $structure_id
),
creations as (
    select created_year as year, count(*) as creations_n,
           sum(jobs_etp) as jobs_etp, sum(insertion_jobs_etp) as insertion_jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    where structure_id = $structure_id
    group by created_year
),
final as (
    select y.year, a.sessions_n, a.studies_n, a.partners_n,
           coalesce(c.creations_n, 0) as creations_n,
           coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp,
           a.studies_n as studies_declared_n, a.partners_n as partners_declared_n,
           coalesce(c.creations_n, 0) as creations_year_n,
           status_at(st.joined_year, st.appellation_year, st.exit_year, y.year) as status_then,
           is_partial_year(y.year) as is_partial
    from years y
    cross join structure st
    left join activity a using (year)
    left join creations c using (year)
)
select * from final order by year

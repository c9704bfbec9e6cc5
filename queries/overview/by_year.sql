-- Network indicators year by year: structures active in each year by their status that year, activity
-- declared, creations and jobs. Activity figures follow the structure filters (région, département,
-- structure, statut at the end of the period) only; creations and jobs follow every project filter and
-- count in the year of creation (creations_year_n « Créations de l'année »). studies_declared_n « Études
-- d'opportunité déclarées » and partners_declared_n « Partenaires mobilisés (somme des déclarations) » are
-- the declared figures (studies_n, partners_n, creations_n: same figures, former names).
-- is_partial: the year is not over at the data date (mark it: dotted segment, hatched bar, note).
-- grain: one row per year of the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with years as (
    select unnest(range($year_from, $year_to + 1)) as year
),
network as (
    select y.year,
           count(s.structure_id) filter (where is_active(s.joined_year, s.exit_year, y.year)) as structures_n,
           count(s.structure_id) filter (where status_code_at(s.joined_year, s.appellation_year, s.exit_year, y.year)
                                               = 'experimentation') as experimentation_n,
           count(s.structure_id) filter (where status_code_at(s.joined_year, s.appellation_year, s.exit_year, y.year)
                                               = 'appellation') as appellation_n
    from years y
    cross join scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    group by y.year
),
activity as (
    select a.year,
           sum(a.creativity_sessions) as sessions_n,
           sum(a.opportunity_studies) as studies_n,
           sum(a.partners) as partners_n
    from annual_activity a
    where a.structure_id in (select structure_id from scoped_structures($regs, $deps, $structure_ids, $status, $year_to))
      and a.year between $year_from and $year_to
    group by a.year
),
creations as (
    select created_year as year, count(*) as creations_n,
           sum(jobs_etp) as jobs_etp, sum(insertion_jobs_etp) as insertion_jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
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
           coalesce(a.partners_n, 0) as partners_n,
           coalesce(a.studies_n, 0) as studies_declared_n,
           coalesce(c.creations_n, 0) as creations_year_n,
           coalesce(a.partners_n, 0) as partners_declared_n,
           is_partial_year(y.year) as is_partial
    from years y
    left join network n using (year)
    left join activity a using (year)
    left join creations c using (year)
)
select * from final order by year

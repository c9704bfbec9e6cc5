-- The cohorts one by one: for each year of detection, projects detected, how many reached the
-- opportunity study and creation, the conversion rates and the median delay to creation.
-- Recent cohorts have had less time to reach creation.
-- grain: one row per cohort year (year of detection) with at least one project
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with cohort as (
    -- Projects of the cohorts; reached_rank (project_facts) is the furthest step each reached.
    select p.*
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    where p.detected_year between $year_from and $year_to
),
final as (
    select detected_year as cohort_year,
           count(*) as detections_n,
           count(*) filter (where reached_rank >= 3) as studies_n,
           count(*) filter (where reached_rank = 6) as creations_n,
           count(*) filter (where stage = 'abandonné') as abandons_n,
           count(*) filter (where reached_rank >= 3) / nullif(count(*), 0) as studies_per_detection_pct,
           count(*) filter (where reached_rank = 6)
               / nullif(count(*) filter (where reached_rank >= 3), 0) as creations_per_study_pct,
           cast(round(median(months_to_creation) filter (where reached_rank = 6)) as integer) as median_months_n
    from cohort
    group by detected_year
)
select * from final order by cohort_year

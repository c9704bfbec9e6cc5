-- The cohorts one by one: for each year of detection, projects detected, how many reached the
-- opportunity study (studies_reached_n) and creation (creations_cohort_n), the conversion rates and the
-- median delay to creation. Recent cohorts have had less time to reach creation; is_partial: the cohort's
-- year is not over at the data date.
-- grain: one row per cohort year (year of detection) with at least one project
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with final as (
    select detected_year as cohort_year,
           count(*) as detections_n,
           count(*) filter (where reached_rank >= stage_rank('etude')) as studies_reached_n,
           count(*) filter (where is_created) as creations_cohort_n,
           count(*) filter (where is_abandoned) as abandons_n,
           count(*) filter (where reached_rank >= stage_rank('etude')) / nullif(count(*), 0) as studies_per_detection_pct,
           count(*) filter (where is_created)
               / nullif(count(*) filter (where reached_rank >= stage_rank('etude')), 0) as creations_per_study_pct,
           cast(round(median(months_to_creation) filter (where is_created)) as integer) as median_months_n,
           is_partial_year(detected_year) as is_partial
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    group by detected_year
)
select * from final order by cohort_year

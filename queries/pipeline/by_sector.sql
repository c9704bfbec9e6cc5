-- The cohorts by sector of activity: projects detected, reaching the opportunity study (studies_reached_n)
-- and creation (creations_cohort_n), abandoned, and the conversion rates.
-- grain: one row per sector with at least one project detected in the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with final as (
    select sector,
           count(*) as detections_n,
           count(*) filter (where reached_rank >= stage_rank('etude')) as studies_reached_n,
           count(*) filter (where is_created) as creations_cohort_n,
           count(*) filter (where is_abandoned) as abandons_n,
           count(*) filter (where reached_rank >= stage_rank('etude')) / nullif(count(*), 0) as studies_per_detection_pct,
           count(*) filter (where is_created)
               / nullif(count(*) filter (where reached_rank >= stage_rank('etude')), 0) as creations_per_study_pct,
           count(*) filter (where is_created) / nullif(count(*), 0) as creations_per_detection_pct
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    group by sector
)
select * from final order by detections_n desc, creations_cohort_n desc, strip_accents(lower(sector))

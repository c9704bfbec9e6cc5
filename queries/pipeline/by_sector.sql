-- The cohorts by sector of activity: projects detected, reaching the opportunity study and creation,
-- abandoned, and the conversion rates.
-- grain: one row per sector with at least one project detected in the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with cohort as (
    -- Projects of the cohorts; reached_rank (project_facts) is the furthest step each reached.
    select p.*
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    where p.detected_year between $year_from and $year_to
),
final as (
    select sector,
           count(*) as detections_n,
           count(*) filter (where reached_rank >= 3) as studies_n,
           count(*) filter (where reached_rank = 6) as creations_n,
           count(*) filter (where stage = 'abandonné') as abandons_n,
           count(*) filter (where reached_rank >= 3) / nullif(count(*), 0) as studies_per_detection_pct,
           count(*) filter (where reached_rank = 6)
               / nullif(count(*) filter (where reached_rank >= 3), 0) as creations_per_study_pct,
           count(*) filter (where reached_rank = 6) / nullif(count(*), 0) as creations_per_detection_pct
    from cohort
    group by sector
)
select * from final order by detections_n desc, creations_n desc, sector

-- Key figures of the cohorts detected in the period: projects detected, how many reached the
-- opportunity study and creation, the two conversion rates and the median delay to creation.
-- A cohort is the year a project was detected; later steps count with that year, whenever they happened.
-- Two figures, two names: studies_reached_n « Projets arrivés à l'étude d'opportunité » (project records;
-- not the studies the structures declare, overview studies_declared_n) and creations_cohort_n « Créations
-- de la cohorte » (projects of the cohorts created since; not the creations of the year). Stages compare through stage_order ranks.
-- grain: one row
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with final as (
    select count(*) as detections_n,
           count(*) filter (where reached_rank >= stage_rank('etude')) as studies_reached_n,
           count(*) filter (where is_created) as creations_cohort_n,
           count(*) filter (where is_abandoned) as abandons_n,
           count(*) filter (where reached_rank >= stage_rank('etude')) / nullif(count(*), 0) as studies_per_detection_pct,
           count(*) filter (where is_created)
               / nullif(count(*) filter (where reached_rank >= stage_rank('etude')), 0) as creations_per_study_pct,
           -- whole months: the median of a handful of projects does not deserve a decimal
           cast(round(median(months_to_creation) filter (where is_created)) as integer) as median_months_n
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
)
select * from final

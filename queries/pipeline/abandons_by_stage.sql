-- Abandonment by step for the cohorts: projects abandoned at each step, projects that reached it,
-- and the abandonment rate (abandoned at the step ÷ reached the step).
-- grain: one row per step at which a project can stop (schema.ABANDON_STAGES: détection … amorçage)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with path as (
    -- The steps of a project ("abandonné" is an exit, not a step).
    select stage_rank, stage from stage_order where is_step
),
cohort as (
    -- Projects of the cohorts; reached_rank (project_facts) is the furthest step each reached.
    select p.*
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    where p.detected_year between $year_from and $year_to
),
final as (
    select s.stage_rank, s.stage,
           count(c.project_id) filter (where c.reached_rank = s.stage_rank and c.stage = 'abandonné') as abandoned_n,
           count(c.project_id) as reached_n,
           count(c.project_id) filter (where c.reached_rank = s.stage_rank and c.stage = 'abandonné')
               / nullif(count(c.project_id), 0) as abandon_pct
    from path s
    left join cohort c on c.reached_rank >= s.stage_rank
    where s.stage <> 'créé'
    group by s.stage_rank, s.stage
)
select * from final order by stage_rank

-- Abandonment by step for the cohorts: projects abandoned at each step, projects that reached it,
-- and the abandonment rate (abandoned at the step ÷ reached the step).
-- grain: one row per step at which a project can stop (schema.ABANDON_STAGES: détection … amorçage)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with path as (
    -- The steps of a project, in schema.STAGES order ("abandonné" is an exit, not a step).
    select * from (values
        (1, 'détection'), (2, 'séance de créativité'), (3, 'étude d''opportunité'),
        (4, 'recherche de porteur'), (5, 'amorçage'), (6, 'créé')
    ) as t(stage_rank, stage)
),
cohort as (
    -- Projects of the cohorts with the furthest step they reached: their current step, or the step
    -- at which they were abandoned; a created project has reached every step.
    select p.*, r.stage_rank as reached_rank,
           date_diff('day', p.detected_on, p.created_on) / 30.4375 as months_to_creation
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    left join path r
      on r.stage = case when p.stage = 'abandonné' then p.abandon_stage else p.stage end
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

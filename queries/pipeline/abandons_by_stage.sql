-- Abandonment by step for the cohorts: projects abandoned at each step, projects that reached it,
-- and the abandonment rate (abandoned at the step ÷ reached the step).
-- grain: one row per step at which a project can stop (stage_order steps before creation: détection … amorçage)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with final as (
    select s.stage_rank, s.stage,
           count(c.project_id) filter (where c.reached_rank = s.stage_rank and c.is_abandoned) as abandoned_n,
           count(c.project_id) as reached_n,
           count(c.project_id) filter (where c.reached_rank = s.stage_rank and c.is_abandoned)
               / nullif(count(c.project_id), 0) as abandon_pct
    from stage_order s
    left join period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) c on c.reached_rank >= s.stage_rank
    where s.is_step and s.stage_rank < stage_rank('cree')
    group by s.stage_rank, s.stage
)
select * from final order by stage_rank

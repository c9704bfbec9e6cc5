-- The funnel of the cohorts: how many projects reached each step, and their share of the projects detected.
-- A project reached every step up to its reached_rank (project_facts: current stage, or the stage at which
-- it was abandoned).
-- grain: one row per step of the path (stage_order.is_step: détection … créé, "abandonné" is an exit)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with final as (
    select s.stage_rank, s.stage,
           count(c.project_id) as reached_n,
           count(c.project_id) / nullif(max(count(c.project_id)) over (), 0) as reached_pct
    from stage_order s
    left join period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) c on c.reached_rank >= s.stage_rank
    where s.is_step
    group by s.stage_rank, s.stage
)
select * from final order by stage_rank

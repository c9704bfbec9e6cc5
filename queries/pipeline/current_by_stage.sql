-- Where the projects of the cohorts stand today: their current stage, "abandonné" included.
-- grain: one row per stage of stage_order (all seven, zero when no project is there)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with final as (
    select s.stage_rank, s.stage,
           count(c.project_id) as projects_n,
           count(c.project_id) / nullif(sum(count(c.project_id)) over (), 0) as share_pct
    from stage_order s
    left join period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) c on c.stage = s.stage
    group by s.stage_rank, s.stage
)
select * from final order by stage_rank

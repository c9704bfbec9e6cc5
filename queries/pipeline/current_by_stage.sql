-- Where the projects of the cohorts stand today: their current stage, "abandonné" included.
-- grain: one row per stage of schema.STAGES (all seven, zero when no project is there)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with stages as (
    select stage_rank, stage from stage_order
),
cohort as (
    select project_id, stage
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
),
final as (
    select s.stage_rank, s.stage,
           count(c.project_id) as projects_n,
           count(c.project_id) / nullif(sum(count(c.project_id)) over (), 0) as share_pct
    from stages s
    left join cohort c using (stage)
    group by s.stage_rank, s.stage
)
select * from final order by stage_rank

-- The funnel of the cohorts: how many projects reached each step, and their share of the projects detected.
-- grain: one row per step of the path (détection … créé, schema.STAGES order without "abandonné")
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
           count(c.project_id) as reached_n,
           count(c.project_id) / nullif(max(count(c.project_id)) over (), 0) as reached_pct
    from path s
    left join cohort c on c.reached_rank >= s.stage_rank
    group by s.stage_rank, s.stage
)
select * from final order by stage_rank

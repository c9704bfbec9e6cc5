-- Projects located in one territory and detected in the period (the cohorts of the period, as on the
-- « Parcours » page), by their current stage, "abandonné" included; every filter applies.
-- grain: one row per stage of stage_order (all seven, zero when no project is there)
-- disclosure: territory level=$niveau main=projects_n
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with cohort as (
    select p.project_id, p.stage_code
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types,
                         $zonages, $stages) p
    where p.insee_code in (select insee_code from territory_communes($niveau, $code))
),
final as (
    select s.stage_rank, s.code as stage_code, s.stage,
           count(c.project_id) as projects_n,
           count(c.project_id) / nullif(sum(count(c.project_id)) over (), 0) as share_pct
    from stage_order s
    left join cohort c on c.stage_code = s.code
    group by s.stage_rank, s.code, s.stage
)
select * from final order by stage_rank

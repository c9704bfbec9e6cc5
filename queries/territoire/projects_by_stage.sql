-- Projects located in one territory and detected in the period (the cohorts of the period, as on the
-- « Parcours » page), by their current stage, "abandonné" included; every filter applies.
-- grain: one row per stage of stage_order (all seven, zero when no project is there)
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with stages as (
    select stage_rank, stage from stage_order
),
members as (
    select c.insee_code
    from communes c
    where case $niveau when 'reg' then c.reg_code when 'dep' then c.dep_code
                       when 'epci' then c.epci_siren when 'commune' then c.insee_code end = $code
),
cohort as (
    select project_id, stage
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
      and insee_code in (select insee_code from members)
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

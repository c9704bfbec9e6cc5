-- Projects of one structure followed in the period (detected by $year_to, neither created nor
-- abandoned before $year_from), with their place, stage and dates; every project filter applies.
-- grain: one row per project_id
-- params: $structure_id, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: rows
with followed as (
    select *
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    where structure_id = $structure_id
      and is_followed(detected_year, created_year, abandoned_year, $year_from, $year_to)
),
final as (
    select f.project_id, f.title, f.sector, f.commune_name || ' (' || f.dep_code || ')' as place,
           f.dep_code, c.lon, c.lat,
           case when f.is_abandoned then f.stage || ' (' || f.abandon_stage || ')' else f.stage end as stage,
           f.is_created,
           f.detected_on, f.study_on, f.created_on, f.abandoned_on, f.abandon_reason,
           case when f.is_iae then 'oui' || coalesce(' (' || f.siae_type || ')', '') else 'non' end as iae,
           f.jobs_etp, f.insertion_jobs_etp, f.programme
    from followed f
    left join communes c using (insee_code)
)
select * from final order by detected_on, project_id

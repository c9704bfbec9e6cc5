-- Why projects of the cohorts were abandoned: abandoned projects by reason and share of all abandons.
-- grain: one row per abandonment reason given at least once
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with abandoned as (
    select project_id, coalesce(abandon_reason, 'non renseigné') as abandon_reason
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
      and stage = 'abandonné'
),
final as (
    select abandon_reason,
           count(*) as abandons_n,
           count(*) / sum(count(*)) over () as share_pct
    from abandoned
    group by abandon_reason
)
select * from final order by abandons_n desc, abandon_reason

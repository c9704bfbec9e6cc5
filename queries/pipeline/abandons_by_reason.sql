-- Why projects of the cohorts were abandoned: abandoned projects by reason and share of all abandons.
-- grain: one row per abandonment reason given at least once
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- abandon_reason is a category of the import template (schema.ABANDON_REASONS), not free text.
-- disclosure: aggregate
with final as (
    select coalesce(abandon_reason, 'non renseigné') as abandon_reason,
           count(*) as abandons_n,
           count(*) / sum(count(*)) over () as share_pct
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where is_abandoned
    group by 1
)
select * from final order by abandons_n desc, strip_accents(lower(abandon_reason))

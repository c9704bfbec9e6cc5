-- Activity declared by the structures in scope, year by year within the period, for the download
-- (studies_n are the studies the structures declare, partners_n the partners each declares).
-- grain: one row per (structure_id, year)
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status
-- disclosure: aggregate
with scoped as (
    select * from scoped_structures($regs, $deps, $structure_ids, $status, $year_to)
),
final as (
    select a.structure_id, s.name as structure_name, s.status, a.year,
           a.creativity_sessions as sessions_n, a.opportunity_studies as studies_n, a.partners as partners_n
    from annual_activity a
    join scoped s using (structure_id)
    where a.year between $year_from and $year_to
)
select * from final order by structure_id, year

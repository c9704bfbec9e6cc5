-- How many rows each download holds, without loading them (the files are built on click).
-- grain: one row
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with projects as (
    select count(*) as projects_n
    from followed_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
),
activity as (
    select count(*) as activity_n
    from annual_activity
    where structure_id in (select structure_id from scoped_structures($regs, $deps, $structure_ids, $status, $year_to))
      and year between $year_from and $year_to
),
final as (
    select projects_n, activity_n from projects cross join activity
)
select * from final

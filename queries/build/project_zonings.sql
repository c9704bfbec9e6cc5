-- The zonings each project lies in, as rows, so that the `zonage` filter reads the one declaration
-- (vocab_zonings: code and the boolean column of project_facts that says it) instead of a typed list.
-- Every boolean flag of project_facts named in_* or is_* is unpivoted, then matched on the vocabulary's
-- column name; queries/checks/zoning_columns.sql fails the build if a declared column does not exist.
-- grain: one row per (project_id, zoning) where the project lies in the zoning
with flags as (
    unpivot (select project_id, columns('^(in|is)_') from project_facts)
    on columns(* exclude (project_id))
    into name flag value is_in
)
select f.project_id, z.code as zoning
from flags f
join vocab_zonings z on z."column" = f.flag
where f.is_in
order by f.project_id, z.rank

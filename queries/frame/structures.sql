-- Structures for the filter bar.
-- grain: one row per structure_id
-- params: none
-- disclosure: aggregate
select structure_id, name from structures order by name

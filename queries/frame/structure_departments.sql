-- The départements each structure covers: a partner link's Structure filter offers only the structures
-- that work in its perimeter.
-- grain: one row per structure_id and dep_code
-- params: none
-- disclosure: aggregate
select structure_id, dep_code from structure_departments order by structure_id, dep_code

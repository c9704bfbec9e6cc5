-- Projects attached to a structure that does not exist.
-- grain: one row per offending project
select project_id, structure_id from projects where structure_id not in (select structure_id from structures)

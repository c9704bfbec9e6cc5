-- Activity rows of a structure that does not exist.
-- grain: one row per offending activity row
select structure_id, year from annual_activity where structure_id not in (select structure_id from structures)

-- Projects whose commune is not in the COG commune list.
-- grain: one row per offending project
select project_id, insee_code from projects where insee_code not in (select insee_code from communes)

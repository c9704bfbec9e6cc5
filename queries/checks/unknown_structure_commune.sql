-- Structures whose seat commune is unknown.
-- grain: one row per offending structure
select structure_id, insee_code from structures where insee_code not in (select insee_code from communes)

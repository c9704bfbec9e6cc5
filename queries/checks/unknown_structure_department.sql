-- Territories naming a département that does not exist.
-- grain: one row per offending (structure, département)
select structure_id, dep_code from structure_departments where reg_code is null

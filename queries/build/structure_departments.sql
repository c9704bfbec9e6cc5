-- Départements covered by each structure (its territory).
-- grain: one row per (structure_id, dep_code)
select distinct sd.structure_id, sd.dep_code, d.reg_code
from src_structure_departments sd
left join departments d using (dep_code)
order by sd.structure_id, sd.dep_code

-- LEADER groupes d'action locale: empty until a GAL file is imported (no open list exists).
-- grain: one row per gal_id
select gal_id, gal_name
from src_leader_gal
order by gal_id

-- Communes in each GAL perimeter, from an imported GAL file.
-- grain: one row per (gal_id, insee_code)
select distinct gal_id, insee_code
from src_leader_communes
order by gal_id, insee_code

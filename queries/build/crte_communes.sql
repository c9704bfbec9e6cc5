-- Communes under each CRTE (76 communes are in two CRTE).
-- grain: one row per (crte_id, insee_code)
select distinct crte_id, insee_code
from src_crte_communes
where insee_code in (select insee_code from communes)
order by crte_id, insee_code

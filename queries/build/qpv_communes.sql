-- Which communes each QPV lies in (148 QPV span several communes).
-- grain: one row per (qpv_code, insee_code)
select distinct qpv_code, insee_code
from src_qpv_2024_communes
order by qpv_code, insee_code

-- QPV 2024 (1,584, including 88 in French Polynesia, outside the COG commune list).
-- grain: one row per qpv_code
select qpv_code, any_value(qpv_name) as qpv_name, any_value(dep_code) as dep_code,
       any_value(reg_code) as reg_code, any_value(qpv_lon) as lon, any_value(qpv_lat) as lat
from src_qpv_2024_communes
group by qpv_code
order by qpv_code

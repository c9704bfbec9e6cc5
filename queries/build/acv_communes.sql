-- Action cœur de ville (ANCT list, 245 communes).
-- grain: one row per insee_code
select insee_code, try_cast(acv_date_signature as date) as signed_on
from src_acv_communes
order by insee_code

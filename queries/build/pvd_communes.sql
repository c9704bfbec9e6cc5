-- Petites villes de demain (ANCT list, 1,646 communes).
-- grain: one row per insee_code
select insee_code, try_cast(pvd_date_signature as date) as signed_on
from src_pvd_communes
order by insee_code

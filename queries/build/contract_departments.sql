-- Where each contract lies, for the perimeter (a contract is in it as soon as one of its départements is)
-- and the rows by région or département: the QPV's département; the contrat de ville's main département
-- (one each, so that rows add up); every département of the communes of the other families (a CRTE or a
-- GAL across a border counts in each). Only the 101 départements: QPV of French Polynesia and Saint-Martin
-- lie outside the COG commune list.
-- grain: one row per (family, contract_id, dep_code)
with placed as (
    select 'qpv' as family, qpv_code as contract_id, dep_code
    from qpv
    union all
    select 'ville', contract_id, dep_code
    from contrat_ville
    union all
    select distinct m.family, m.contract_id, c.dep_code
    from contract_communes m
    join communes c using (insee_code)
)
select p.family, p.contract_id, p.dep_code, d.reg_code
from placed p
join departments d using (dep_code)
order by p.family, p.contract_id, p.dep_code

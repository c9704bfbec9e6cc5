-- Contracts reached through their communes: a project in one of the listed communes reaches the contract.
-- ruralite: communes of a CRTE à dominante rurale; frr: each commune classified France ruralités
-- revitalisation; leader: communes of a GAL; pvd, acv: each programme commune. (QPV and contrats de
-- ville are reached through the project's QPV: contract_keys.) Family codes are vocab_contract_families'.
-- grain: one row per (family, contract_id, insee_code)
select 'ruralite' as family, cc.crte_id as contract_id, cc.insee_code
from crte_communes cc
join crte k using (crte_id)
where k.is_rural_dominant
union all
select 'frr', insee_code, insee_code
from communes
where is_frr
union all
select 'leader', gal_id, insee_code
from leader_communes
where insee_code in (select insee_code from communes)
union all
select 'pvd', insee_code, insee_code
from pvd_communes
where insee_code in (select insee_code from communes)
union all
select 'acv', insee_code, insee_code
from acv_communes
where insee_code in (select insee_code from communes)
order by family, contract_id, insee_code

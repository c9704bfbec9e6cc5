-- How a project reaches each contract, written once for every family: key_kind 'qpv' (the project's QPV
-- code is the key) or 'commune' (the project's commune is one of the contract's communes: contract_communes).
-- A contrat de ville is reached through one of its QPV, in one of its communes: a QPV across two contract
-- units (QN09328M lies in Plaine Commune and in Bobigny, Est Ensemble) reaches the unit of the project's
-- commune only (insee_code; null: any commune). key_kind 'qpv_commune' is the looser, separately named
-- figure of the contrats de ville: the project lies in a commune of the contract that has a QPV.
-- grain: one row per (family, contract_id, key_kind, key, insee_code)
with ville_qpv as (
    select distinct v.contract_id, q.qpv_code, v.insee_code
    from contrat_ville_communes v
    join qpv_communes q using (insee_code)
)
select 'qpv' as family, qpv_code as contract_id, 'qpv' as key_kind, qpv_code as key, null as insee_code
from qpv
union all
select 'ville', contract_id, 'qpv', qpv_code, insee_code
from ville_qpv
union all
select 'ville', contract_id, 'qpv_commune', insee_code, null
from contrat_ville_communes
where has_qpv
union all
select family, contract_id, 'commune', insee_code, null
from contract_communes
order by family, contract_id, key_kind, key, insee_code

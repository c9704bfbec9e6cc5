-- The communes of every zoning and contract of the contract families (fabrique.vocab.CONTRACT_FAMILIES),
-- with the zone's name, for the territory sheet and the carnet. Read from the contract tables the
-- coverage page uses (contracts, contract_communes, contrat_ville_communes), so that both say the same:
-- qpv: each QPV and the communes it lies in (a project is IN the QPV only through its qpv_code);
-- ville: the contrat de ville units (EPCI with a QPV; in the Grand Paris the EPT and Paris) and all
-- their communes; ruralite: the CRTE à dominante rurale; frr, pvd, acv: the commune itself; leader:
-- the GAL perimeters (imported, or the demo's fictitious ones).
-- grain: one row per (family, zone_id, insee_code)
with zones as (
    select 'qpv' as family, q.qpv_code as zone_id, q.qpv_name as zone_name, qc.insee_code
    from qpv q
    join qpv_communes qc using (qpv_code)
    union all
    select 'ville', v.contract_id, v.contract_name, vc.insee_code
    from contrat_ville v
    join contrat_ville_communes vc using (contract_id)
    union all
    select m.family, m.contract_id, k.contract_name, m.insee_code
    from contract_communes m
    join contracts k using (family, contract_id)
)
select z.*
from zones z
where z.insee_code in (select insee_code from communes)
order by family, zone_id, insee_code

-- The communes of every zoning and contract of the contract families (fabrique.vocab.CONTRACT_FAMILIES),
-- for the territory sheet and the carnet. The one place where those queries read the contract tables:
-- a new contract definition (contract units instead of EPCI, a stored rural-dominant CRTE flag, demo
-- GAL) changes this file only.
-- qpv: each QPV and the communes it lies in (a project is IN the QPV only through its qpv_code);
-- ville: the contrat de ville proxy, an EPCI with a QPV commune (contrat_ville_epci), all its communes;
-- ruralite: the CRTE à dominante rurale, at least half of the municipal population of its communes in
-- rural communes (INSEE density levels 5-7); frr, pvd, acv: the commune itself; leader: the GAL
-- perimeters (empty until a GAL file is imported).
-- grain: one row per (family, zone_id, insee_code)
with crte_shares as (
    select cc.crte_id,
           sum(c.population) filter (where c.is_rural) / nullif(sum(c.population), 0) as rural_population_pct
    from crte_communes cc
    join communes c using (insee_code)
    group by cc.crte_id
),
zones as (
    select 'qpv' as family, q.qpv_code as zone_id, q.qpv_name as zone_name, qc.insee_code
    from qpv q
    join qpv_communes qc using (qpv_code)
    union all
    select 'ville', e.epci_siren, e.epci_name, c.insee_code
    from contrat_ville_epci v
    join epci e using (epci_siren)
    join communes c on c.epci_siren = v.epci_siren
    union all
    select 'ruralite', g.crte_id, g.crte_name, cc.insee_code
    from crte g
    join crte_shares s using (crte_id)
    join crte_communes cc using (crte_id)
    where s.rural_population_pct >= 0.5
    union all
    select 'frr', insee_code, commune_name, insee_code from communes where is_frr
    union all
    select 'pvd', c.insee_code, c.commune_name, c.insee_code from pvd_communes p join communes c using (insee_code)
    union all
    select 'acv', c.insee_code, c.commune_name, c.insee_code from acv_communes a join communes c using (insee_code)
    union all
    select 'leader', g.gal_id, g.gal_name, lc.insee_code
    from leader_gal g
    join leader_communes lc using (gal_id)
)
select z.*
from zones z
where z.insee_code in (select insee_code from communes)
order by family, zone_id, insee_code

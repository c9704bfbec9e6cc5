-- The contrats de ville 2024-2030 as contract units (proxy: EPCI holding a QPV, or EPT or Paris in the
-- Métropole du Grand Paris), with their QPV and a point to draw: the population-weighted centroid of
-- their communes. dep_code: the département holding most of the unit's population (its seat département
-- for the EPCI, from the EPCI list), so that each contract lies in one département and rows add up.
-- grain: one row per contract_id
with members as (
    select v.contract_id, any_value(v.contract_kind) as contract_kind, any_value(v.contract_name) as contract_name,
           count(*) as communes_n,
           sum(c.lon * coalesce(c.population, 0)) / nullif(sum(coalesce(c.population, 0)), 0) as lon,
           sum(c.lat * coalesce(c.population, 0)) / nullif(sum(coalesce(c.population, 0)), 0) as lat
    from contrat_ville_communes v
    join communes c using (insee_code)
    group by v.contract_id
),
dep_population as (
    select v.contract_id, c.dep_code, sum(coalesce(c.population, 0)) as population
    from contrat_ville_communes v
    join communes c using (insee_code)
    group by v.contract_id, c.dep_code
),
main_dep as (
    select contract_id, arg_max(dep_code, population) as biggest_dep_code
    from dep_population
    group by contract_id
),
qpv_n as (
    select v.contract_id, count(distinct q.qpv_code) as qpv_n
    from contrat_ville_communes v
    join qpv_communes q using (insee_code)
    group by v.contract_id
),
final as (
    select m.contract_id, m.contract_name, m.contract_kind,
           coalesce(e.dep_code, d.biggest_dep_code) as dep_code,
           m.communes_n, q.qpv_n, m.lon, m.lat
    from members m
    join qpv_n q using (contract_id)
    join main_dep d using (contract_id)
    left join epci e on e.epci_siren = m.contract_id and m.contract_kind = 'epci'
)
select * from final
order by contract_id

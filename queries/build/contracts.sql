-- Every contract of every family, with its name, kind and a point to draw: the QPV's centroid; the
-- contrat de ville's population-weighted centroid; the mean of the communes' centroids for the other
-- families (one commune for FRR, PVD and ACV). map_dep_code: the département holding the point (for the
-- overseas insets); dep_label: every département the contract lies in. Only contracts lying in the 101
-- départements (contract_departments).
-- grain: one row per (family, contract_id)
with points as (
    select m.family, m.contract_id, avg(c.lon) as lon, avg(c.lat) as lat,
           mode(c.dep_code order by c.dep_code) as map_dep_code
    from contract_communes m
    join communes c using (insee_code)
    group by m.family, m.contract_id
),
named as (
    select 'qpv' as family, qpv_code as contract_id, qpv_name as contract_name, null as contract_kind,
           dep_code as map_dep_code, lon, lat
    from qpv
    union all
    select 'ville', v.contract_id, v.contract_name, k.label, v.dep_code, v.lon, v.lat
    from contrat_ville v
    left join vocab_contract_unit_kinds k on k.code = v.contract_kind
    union all
    select p.family, p.contract_id,
           coalesce(r.crte_name, g.gal_name, c.commune_name, p.contract_id), null, p.map_dep_code, p.lon, p.lat
    from points p
    left join crte r on p.family = 'ruralite' and r.crte_id = p.contract_id
    left join leader_gal g on p.family = 'leader' and g.gal_id = p.contract_id
    left join communes c on p.family in ('frr', 'pvd', 'acv') and c.insee_code = p.contract_id
),
dep_labels as (
    select cd.family, cd.contract_id,
           string_agg(d.dep_name || ' (' || d.dep_code || ')', ', ' order by d.dep_code) as dep_label
    from contract_departments cd
    join departments d using (dep_code)
    group by cd.family, cd.contract_id
)
select n.family, n.contract_id, n.contract_name, n.contract_kind, l.dep_label, n.map_dep_code, n.lon, n.lat
from named n
join dep_labels l using (family, contract_id)
order by n.family, n.contract_id

-- Contrats de relance et de transition écologique (first generation, late-2022 list): 854 contracts, which
-- cover the whole country, cities included. The rural-contract family is the CRTE "à dominante rurale":
-- at least half of the municipal population of its communes lives in rural communes (INSEE density grid,
-- levels 5-7: communes.is_rural); 550 of the 854. rural_share_pct: that population share.
-- grain: one row per crte_id
with contracts as (
    select crte_id, any_value(crte_name) as crte_name, any_value(crte_type) as crte_type,
           any_value(dep_codes) as dep_codes, any_value(reg_codes) as reg_codes
    from src_crte_groupements
    group by crte_id
),
population as (
    select cc.crte_id, count(*) as communes_n,
           sum(coalesce(c.population, 0)) as population,
           sum(coalesce(c.population, 0)) filter (where c.is_rural) as rural_population
    from crte_communes cc
    join communes c using (insee_code)
    group by cc.crte_id
),
final as (
    select k.crte_id, k.crte_name, k.crte_type, k.dep_codes, k.reg_codes,
           coalesce(p.communes_n, 0) as communes_n,
           coalesce(p.population, 0) as population,
           coalesce(p.rural_population, 0) as rural_population,
           coalesce(p.rural_population, 0) / nullif(p.population, 0) as rural_share_pct,
           coalesce(coalesce(p.rural_population, 0) / nullif(p.population, 0) >= 0.5, false) as is_rural_dominant
    from contracts k
    left join population p using (crte_id)
)
select * from final
order by crte_id

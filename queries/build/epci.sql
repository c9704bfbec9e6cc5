-- EPCI à fiscalité propre on 1 January 2026 (incl. Métropole de Lyon); centroid = population-weighted
-- mean of its communes' centroids, for point maps (no EPCI boundaries are shipped).
-- grain: one row per epci_siren
with members as (
    select epci_siren,
           sum(lon * coalesce(population_municipale, 0)) / nullif(sum(coalesce(population_municipale, 0)), 0) as lon,
           sum(lat * coalesce(population_municipale, 0)) / nullif(sum(coalesce(population_municipale, 0)), 0) as lat
    from src_communes
    where epci_siren is not null
    group by epci_siren
)
select e.epci_siren, e.epci_name, e.epci_type, e.tax_regime, e.main_dep_code as dep_code,
       d.reg_code, e.dep_codes, e.n_communes, e.population_municipale as population, m.lon, m.lat
from src_epci e
left join members m using (epci_siren)
left join src_departements d on d.dep_code = e.main_dep_code
order by e.epci_siren

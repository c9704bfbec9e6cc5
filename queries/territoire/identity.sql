-- Identity of one territory: name, level, parents (région; département, the main one for an EPCI; EPCI
-- of a commune), the départements it lies in, municipal population (COG 2026), communes, the share of
-- communes and of population that is rural (INSEE density grid, levels 5-7), and the extent of its
-- communes' centroids to frame a map. No row when ($niveau, $code) is not a territory.
-- grain: one row (none for an unknown territory)
-- disclosure: reference
-- params: $niveau, $code
with rural as (
    select count(*) filter (where is_rural) as rural_communes_n,
           cast(coalesce(sum(population) filter (where is_rural), 0) as bigint) as rural_population_n,
           min(lon) as lon_min, max(lon) as lon_max, min(lat) as lat_min, max(lat) as lat_max
    from territory_communes($niveau, $code)
),
dep_names as (
    select string_agg(d.dep_name || ' (' || d.dep_code || ')', ', ' order by d.dep_code) as departments
    from territory_of($niveau, $code) t, unnest(t.dep_codes) as u(dep_code)
    join departments d on d.dep_code = u.dep_code
),
final as (
    select t.level, t.code, t.name,
           t.reg_code, r.reg_name,
           case when t.level <> 'reg' then t.dep_code end as dep_code, d.dep_name,
           case when t.level = 'commune' then t.epci_siren end as epci_siren,
           case when t.level = 'commune' then e.epci_name end as epci_name,
           t.dep_codes, n.departments,
           t.population as population_n, t.communes_n,
           ru.rural_communes_n, ru.rural_communes_n / nullif(t.communes_n, 0) as rural_communes_pct,
           ru.rural_population_n, ru.rural_population_n / nullif(t.population, 0) as rural_population_pct,
           ru.lon_min, ru.lon_max, ru.lat_min, ru.lat_max
    from territory_of($niveau, $code) t
    cross join rural ru
    cross join dep_names n
    left join regions r on r.reg_code = t.reg_code
    left join departments d on d.dep_code = t.dep_code and t.level <> 'reg'
    left join epci e on e.epci_siren = t.epci_siren and t.level = 'commune'
)
select * from final

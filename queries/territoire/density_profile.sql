-- Density profile of one territory: its communes and their population by level of the INSEE communal
-- density grid (7 levels, 1 grands centres urbains to 7 rural à habitat très dispersé; 5-7 are rural),
-- with each level's share. Levels and labels come from the grid itself (communes table).
-- grain: one row per density level (all seven, zero where the territory has none)
-- disclosure: aggregate
-- params: $niveau, $code
with levels as (
    select distinct density_class, density_label, density_class >= 5 as is_rural
    from communes
    where density_class is not null
),
counts as (
    select density_class, count(*) as communes_n, cast(coalesce(sum(population), 0) as bigint) as population_n
    from territory_communes($niveau, $code)
    group by density_class
),
final as (
    select l.density_class, l.density_label, l.is_rural,
           coalesce(c.communes_n, 0) as communes_n,
           coalesce(c.communes_n, 0) / nullif(sum(coalesce(c.communes_n, 0)) over (), 0) as communes_pct,
           coalesce(c.population_n, 0) as population_n,
           coalesce(c.population_n, 0) / nullif(sum(coalesce(c.population_n, 0)) over (), 0) as population_pct
    from levels l
    left join counts c using (density_class)
)
select * from final order by density_class

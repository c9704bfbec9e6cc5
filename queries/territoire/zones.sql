-- Zonings and contracts present in one territory (the families of fabrique.vocab.CONTRACT_FAMILIES, read
-- from zoning_communes): each zone with at least one commune in the territory, its name, its size in
-- communes (communes_total), how many of them lie in the territory and their population. No project
-- figure here (territoire/zone_projects, protected for partner views, gives them).
-- grain: one row per (family, zone_id) with a commune in the territory
-- disclosure: aggregate
-- params: $niveau, $code
with zones_here as (
    select z.family, z.zone_id, any_value(z.zone_name) as zone_name,
           count(*) as communes_here, cast(coalesce(sum(m.population), 0) as bigint) as population_here
    from zoning_communes z
    join territory_communes($niveau, $code) m using (insee_code)
    group by z.family, z.zone_id
),
sizes as (
    select z.family, z.zone_id, count(*) as communes_total
    from zoning_communes z
    semi join zones_here h on h.family = z.family and h.zone_id = z.zone_id
    group by z.family, z.zone_id
),
final as (
    select f.rank as family_rank, h.family, h.zone_id, h.zone_name, s.communes_total, h.communes_here,
           h.population_here
    from zones_here h
    join sizes s using (family, zone_id)
    join vocab_contract_families f on f.code = h.family
)
select * from final
order by family_rank, strip_accents(lower(zone_name)), zone_id

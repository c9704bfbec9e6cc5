-- The communes of one territory for its map: centroid, population, density level, and the zonings and
-- contracts each lies in (from zoning_communes: qpv_count QPV in the commune, in_<family> for the other
-- families of fabrique.vocab.CONTRACT_FAMILIES). No project figure here (territoire/commune_projects,
-- protected for partner views, gives them).
-- grain: one row per commune of the territory
-- disclosure: reference
-- params: $niveau, $code
with members as materialized (
    select * from territory_communes($niveau, $code)
),
zonings as (
    select z.insee_code,
           count(distinct z.zone_id) filter (where z.family = 'qpv') as qpv_count,
           bool_or(z.family = 'ville') as in_ville,
           bool_or(z.family = 'ruralite') as in_ruralite,
           bool_or(z.family = 'frr') as in_frr,
           bool_or(z.family = 'leader') as in_leader,
           bool_or(z.family = 'pvd') as in_pvd,
           bool_or(z.family = 'acv') as in_acv
    from zoning_communes z
    where z.insee_code in (select insee_code from members)
    group by z.insee_code
),
final as (
    select m.insee_code, m.commune_name, m.dep_code, m.epci_siren, m.population,
           m.lon, m.lat, m.density_class, m.density_label, m.is_rural,
           coalesce(z.qpv_count, 0) as qpv_count,
           coalesce(z.in_ville, false) as in_ville,
           coalesce(z.in_ruralite, false) as in_ruralite,
           coalesce(z.in_frr, false) as in_frr,
           coalesce(z.in_leader, false) as in_leader,
           coalesce(z.in_pvd, false) as in_pvd,
           coalesce(z.in_acv, false) as in_acv
    from members m
    left join zonings z using (insee_code)
)
select * from final order by insee_code

-- The communes of one territory for its map: centroid, population, density level, the zonings and
-- contracts each lies in (from zoning_communes: qpv_n QPV in the commune, in_<family> for the other
-- families of fabrique.vocab.CONTRACT_FAMILIES), and the projects located there: detected in the period
-- (projects_n, of which in a QPV: qpv_projects_n) and created in the period (creations_n); every filter applies.
-- grain: one row per commune of the territory
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with members as (
    select c.*
    from communes c
    where case $niveau when 'reg' then c.reg_code when 'dep' then c.dep_code
                       when 'epci' then c.epci_siren when 'commune' then c.insee_code end = $code
),
zonings as (
    select z.insee_code,
           count(distinct z.zone_id) filter (where z.family = 'qpv') as qpv_n,
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
projects as (
    select insee_code,
           count(*) filter (where detected_year between $year_from and $year_to) as projects_n,
           count(*) filter (where detected_year between $year_from and $year_to and in_qpv) as qpv_projects_n,
           count(*) filter (where created_year between $year_from and $year_to) as creations_n
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where insee_code in (select insee_code from members)
    group by insee_code
),
final as (
    select m.insee_code, m.commune_name, m.dep_code, m.epci_siren, m.population as population_n,
           m.lon, m.lat, m.density_class, m.density_label, m.is_rural,
           coalesce(z.qpv_n, 0) as qpv_n,
           coalesce(z.in_ville, false) as in_ville,
           coalesce(z.in_ruralite, false) as in_ruralite,
           coalesce(z.in_frr, false) as in_frr,
           coalesce(z.in_leader, false) as in_leader,
           coalesce(z.in_pvd, false) as in_pvd,
           coalesce(z.in_acv, false) as in_acv,
           coalesce(p.projects_n, 0) as projects_n,
           coalesce(p.qpv_projects_n, 0) as qpv_projects_n,
           coalesce(p.creations_n, 0) as creations_n
    from members m
    left join zonings z using (insee_code)
    left join projects p using (insee_code)
)
select * from final order by insee_code

-- Zonings and contracts present in one territory (families of fabrique.vocab.CONTRACT_FAMILIES, read
-- from zoning_communes): each zone with at least one commune in the territory, how much of it lies
-- there, and the projects detected in the period within the filters. projects_n counts the whole zone
-- (the coverage page's rule: a zone is covered when it has a project anywhere in it; a QPV only
-- through the project's qpv_code), projects_here_n only its part inside the territory. A zone with
-- projects_n = 0 is a "zone blanche".
-- grain: one row per (family, zone_id) with a commune in the territory
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with members as (
    select c.insee_code, c.population
    from communes c
    where case $niveau when 'reg' then c.reg_code when 'dep' then c.dep_code
                       when 'epci' then c.epci_siren when 'commune' then c.insee_code end = $code
),
zones_here as (
    select z.family, z.zone_id, any_value(z.zone_name) as zone_name,
           count(*) as communes_here_n, cast(coalesce(sum(m.population), 0) as bigint) as population_here_n
    from zoning_communes z
    join members m using (insee_code)
    group by z.family, z.zone_id
),
zone_communes as (
    select z.family, z.zone_id, z.insee_code, z.insee_code in (select insee_code from members) as is_here
    from zoning_communes z
    semi join zones_here h on h.family = z.family and h.zone_id = z.zone_id
),
projects as (
    select project_id, insee_code, qpv_code
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
),
-- a project reaches a QPV through its qpv_code, any other zone through its commune
reached as (
    select 'qpv' as family, p.qpv_code as zone_id, p.project_id,
           p.insee_code in (select insee_code from members) as is_here
    from projects p
    where p.qpv_code in (select zone_id from zones_here where family = 'qpv')
    union all
    select zc.family, zc.zone_id, p.project_id, zc.is_here
    from zone_communes zc
    join projects p using (insee_code)
    where zc.family <> 'qpv'
),
counts as (
    select family, zone_id, count(distinct project_id) as projects_n,
           count(distinct project_id) filter (where is_here) as projects_here_n
    from reached
    group by family, zone_id
),
sizes as (
    select family, zone_id, count(*) as communes_n
    from zone_communes
    group by family, zone_id
),
final as (
    select h.family, h.zone_id, h.zone_name, s.communes_n, h.communes_here_n, h.population_here_n,
           coalesce(c.projects_n, 0) as projects_n,
           coalesce(c.projects_here_n, 0) as projects_here_n,
           coalesce(c.projects_n, 0) > 0 as is_covered
    from zones_here h
    join sizes s using (family, zone_id)
    left join counts c using (family, zone_id)
)
select * from final
order by family, strip_accents(lower(zone_name)), zone_id

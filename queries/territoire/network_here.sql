-- The network's figures of one territory among its peers, the territories of the same level in its
-- département(s): a commune with the communes of its département, an EPCI with the EPCI that have a
-- commune in its départements, a département or a région alone. Projects located there and detected in
-- the period (projects_n, of which IAE, of which in a QPV), creations and the jobs and insertion posts they brought in the
-- period, rates per 100,000 inhabitants; every filter applies. The peers are there so that the disclosure
-- policy protects the territory's own counts among them, as on the other pages' tables of communes and EPCI;
-- the sheet reads the territory's row (none when it is withheld).
-- grain: one row per territory of the level in the territory's départements (région, département: itself)
-- disclosure: territory level=$niveau main=projects_n groups=dep_code
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with peers as (
    select p.level, p.code, p.name, p.dep_code, p.population
    from territory_of($niveau, $code) t
    join territories p
      on p.level = t.level
     and (p.code = t.code or (t.level in ('epci', 'commune') and list_has_any(p.dep_codes, t.dep_codes)))
),
peer_communes as (
    select k.code, c.insee_code
    from peers k
    join communes c
      on case k.level when 'reg' then c.reg_code when 'dep' then c.dep_code
                      when 'epci' then c.epci_siren else c.insee_code end = k.code
),
counts as (
    select pc.code, cast(sum(n.projects_n) as bigint) as projects_n,
           cast(sum(n.iae_projects_n) as bigint) as iae_projects_n,
           cast(sum(n.qpv_projects_n) as bigint) as qpv_projects_n,
           cast(sum(n.creations_n) as bigint) as creations_n, sum(n.jobs_etp) as jobs_etp,
           sum(n.insertion_jobs_etp) as insertion_jobs_etp
    from peer_communes pc
    join commune_network($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types,
                         $zonages, $stages) n using (insee_code)
    group by pc.code
),
final as (
    select k.level, k.code, k.name, k.dep_code, k.population,
           coalesce(c.projects_n, 0) as projects_n,
           coalesce(c.projects_n, 0) * 100000.0 / nullif(k.population, 0) as projects_per_100k,
           coalesce(c.iae_projects_n, 0) as iae_projects_n,
           coalesce(c.iae_projects_n, 0) * 100000.0 / nullif(k.population, 0) as iae_projects_per_100k,
           coalesce(c.qpv_projects_n, 0) as qpv_projects_n,
           coalesce(c.creations_n, 0) as creations_n,
           coalesce(c.creations_n, 0) * 100000.0 / nullif(k.population, 0) as creations_per_100k,
           coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp,
           coalesce(c.jobs_etp, 0) * 100000.0 / nullif(k.population, 0) as jobs_per_100k
    from peers k
    left join counts c using (code)
)
select * from final
order by dep_code, code

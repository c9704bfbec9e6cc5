-- Projects located in each commune of one territory: detected in the period (projects_n, of which in a
-- QPV: qpv_projects_n) and created in the period (creations_n); every filter applies. Every commune is
-- listed (zeros included), so that a commune missing from a protected result is one the policy withheld.
-- grain: one row per commune of the territory
-- disclosure: territory level=commune main=projects_n groups=dep_code,epci_siren
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
select m.insee_code, m.commune_name, m.dep_code, m.epci_siren,
       coalesce(n.projects_n, 0) as projects_n,
       coalesce(n.qpv_projects_n, 0) as qpv_projects_n,
       coalesce(n.creations_n, 0) as creations_n
from territory_communes($niveau, $code) m
left join commune_network($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types,
                          $zonages, $stages) n using (insee_code)
order by m.insee_code

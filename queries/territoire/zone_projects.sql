-- Projects detected in the period (every filter applies) that reach each zoning or contract present in
-- one territory, by the coverage page's rule (contract_hits at the « détection » threshold: a QPV through
-- the project's QPV code; a contrat de ville through one of its QPV; the other families through the
-- project's commune): in the whole zone, even beyond the territory (projects_n; 0 is a « zone blanche »),
-- and in its part inside the territory (projects_here_n); for a contrat de ville also the looser,
-- separately named figure: projects in a commune of the contract that has a QPV (projects_qpv_commune_n).
-- grain: one row per (family, zone_id) with a commune in the territory
-- disclosure: territory level=contract main=projects_n
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with zones_here as (
    select distinct z.family, z.zone_id
    from zoning_communes z
    where z.insee_code in (select insee_code from territory_communes($niveau, $code))
),
hits as (
    select h.family, h.contract_id as zone_id, h.projects_n, h.projects_qpv_commune_n
    from contract_hits(null, 'detection', $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae,
                       $siae_types, $zonages, $stages) h
),
here as (
    select pc.family, pc.contract_id as zone_id, count(*) as projects_here_n
    from project_contracts pc
    where pc.via = 'own'
      and pc.project_id in (
          select p.project_id
          from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types,
                               $zonages, $stages) p
          where p.insee_code in (select insee_code from territory_communes($niveau, $code)))
    group by pc.family, pc.contract_id
),
final as (
    select z.family, z.zone_id,
           coalesce(h.projects_n, 0) as projects_n,
           coalesce(e.projects_here_n, 0) as projects_here_n,
           case when z.family = 'ville' then coalesce(h.projects_qpv_commune_n, 0) end as projects_qpv_commune_n
    from zones_here z
    left join hits h using (family, zone_id)
    left join here e using (family, zone_id)
)
select * from final
order by family, zone_id

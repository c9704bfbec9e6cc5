-- IAE projects detected in the period within the filters and the drill-down zoom, in one row: the same
-- figures as iae/by_territory summed over the perimeter, with shares and the rate per 100,000
-- inhabitants of the perimeter (population of its départements).
-- grain: one row
-- params: $zoom_reg, $zoom_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with perimeter_deps as (
    select dep_code, reg_code, population
    from departments
    where ($regs is null or list_contains($regs, reg_code))
      and ($deps is null or list_contains($deps, dep_code))
      and ($zoom_reg is null or reg_code = $zoom_reg)
      and ($zoom_dep is null or dep_code = $zoom_dep)
),
projects as (
    select p.*, p.created_year <= $year_to as created_in_time
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    where p.is_iae
      and p.dep_code in (select dep_code from perimeter_deps)
),
counts as (
    select count(*) as projects_n,
           count(*) filter (where siae_type = 'ACI') as aci_n,
           count(*) filter (where siae_type = 'EI') as ei_n,
           count(*) filter (where siae_type = 'ETTI') as etti_n,
           count(*) filter (where siae_type = 'AI') as ai_n,
           count(*) filter (where siae_type = 'EITI') as eiti_n,
           count(*) filter (where in_qpv) as qpv_n,
           count(*) filter (where is_rural) as rural_n,
           count(*) filter (where created_in_time) as creations_n,
           coalesce(sum(jobs_etp) filter (where created_in_time), 0) as jobs_etp,
           coalesce(sum(insertion_jobs_etp) filter (where created_in_time), 0) as insertion_jobs_etp,
           count(distinct dep_code) as departments_n,
           count(distinct insee_code) as communes_n
    from projects
),
population as (
    select sum(population) as population from perimeter_deps
),
final as (
    select c.projects_n,
           c.projects_n * 100000.0 / nullif(pop.population, 0) as projects_per_100k,
           pop.population,
           c.aci_n, c.ei_n, c.etti_n, c.ai_n, c.eiti_n,
           c.qpv_n, c.qpv_n / nullif(c.projects_n, 0) as qpv_pct,
           c.rural_n, c.rural_n / nullif(c.projects_n, 0) as rural_pct,
           c.creations_n, c.creations_n / nullif(c.projects_n, 0) as creations_pct,
           c.jobs_etp, c.insertion_jobs_etp,
           c.departments_n, c.communes_n
    from counts c
    cross join population pop
)
select * from final

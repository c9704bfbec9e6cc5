-- IAE projects detected in the period, by territory of the chosen level (région, département, EPCI or
-- commune where the project is located), within the filters and the drill-down zoom: counts, rate per
-- 100,000 inhabitants, split by SIAE type, QPV and rural communes, and what the projects of this cohort
-- that were created by the end of the period brought (creations, jobs, insertion posts).
-- Régions and départements of the perimeter are all listed, zeros included, so that the map shows the
-- whole perimeter; EPCI and communes only when they have a project. A project counts where it lies, so
-- an EPCI that crosses a département line only counts its projects inside the zoomed département.
-- The four island communes outside any EPCI stand for themselves at EPCI level.
-- grain: one row per territory of level $level ('reg', 'dep', 'epci', 'commune'); epci_siren: the EPCI of a
-- commune (commune level only)
-- params: $level, $zoom_reg, $zoom_dep, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: territory level=$level main=projects_n groups=dep_code,epci_siren drop=aci_n,ei_n,etti_n,ai_n,eiti_n
with perimeter_deps as (
    select dep_code, reg_code
    from departments
    where ($regs is null or list_contains($regs, reg_code))
      and ($deps is null or list_contains($deps, dep_code))
      and ($zoom_reg is null or reg_code = $zoom_reg)
      and ($zoom_dep is null or dep_code = $zoom_dep)
),
projects as (
    select p.*,
           case $level when 'reg' then p.reg_code
                       when 'dep' then p.dep_code
                       when 'epci' then coalesce(p.epci_siren, p.insee_code)
                       else p.insee_code end as code,
           p.created_year <= $year_to as created_in_time
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    where p.is_iae
      and p.dep_code in (select dep_code from perimeter_deps)
),
-- extent of each territory (its communes' centroids), to frame the map on a zoomed perimeter
extents as (
    select case $level when 'reg' then reg_code
                       when 'dep' then dep_code
                       when 'epci' then coalesce(epci_siren, insee_code)
                       else insee_code end as code,
           min(dep_code) as dep_code,
           min(lon) as lon_min, max(lon) as lon_max, min(lat) as lat_min, max(lat) as lat_max
    from communes
    group by all
),
territories as (
    select reg_code as code, reg_name as name, reg_code, null as dep_code, null as epci_siren, population,
           null::double as lon, null::double as lat
    from regions where $level = 'reg'
    union all
    select dep_code, dep_name, reg_code, dep_code, null, population, null, null
    from departments where $level = 'dep'
    union all
    select epci_siren, epci_name, reg_code, dep_code, null, population, lon, lat
    from epci where $level = 'epci'
    union all
    select insee_code, commune_name || ' (hors EPCI)', reg_code, dep_code, null, population, lon, lat
    from communes where $level = 'epci' and epci_siren is null
    union all
    -- a commune's EPCI: its total is shown at EPCI level, so it is a group for the disclosure rule
    select insee_code, commune_name, reg_code, dep_code, epci_siren, population, lon, lat
    from communes where $level = 'commune'
),
counts as (
    select code,
           count(*) as projects_n,
           count(*) filter (where siae_type = 'ACI') as aci_n,
           count(*) filter (where siae_type = 'EI') as ei_n,
           count(*) filter (where siae_type = 'ETTI') as etti_n,
           count(*) filter (where siae_type = 'AI') as ai_n,
           count(*) filter (where siae_type = 'EITI') as eiti_n,
           count(*) filter (where in_qpv) as qpv_n,
           count(*) filter (where is_rural) as rural_n,
           count(*) filter (where created_in_time) as creations_n,
           coalesce(sum(jobs_etp) filter (where created_in_time), 0) as jobs_etp,
           coalesce(sum(insertion_jobs_etp) filter (where created_in_time), 0) as insertion_jobs_etp
    from projects
    group by code
),
listed as (
    select t.*
    from territories t
    where (t.code in (select code from counts))
       or ($level = 'reg' and t.reg_code in (select reg_code from perimeter_deps))
       or ($level = 'dep' and t.dep_code in (select dep_code from perimeter_deps))
),
final as (
    select t.code, t.name,
           coalesce(t.dep_code, e.dep_code) as dep_code,
           t.epci_siren,
           t.population,
           coalesce(t.lon, (e.lon_min + e.lon_max) / 2) as lon,
           coalesce(t.lat, (e.lat_min + e.lat_max) / 2) as lat,
           e.lon_min, e.lon_max, e.lat_min, e.lat_max,
           coalesce(c.projects_n, 0) as projects_n,
           coalesce(c.projects_n, 0) * 100000.0 / nullif(t.population, 0) as projects_per_100k,
           coalesce(c.aci_n, 0) as aci_n,
           coalesce(c.ei_n, 0) as ei_n,
           coalesce(c.etti_n, 0) as etti_n,
           coalesce(c.ai_n, 0) as ai_n,
           coalesce(c.eiti_n, 0) as eiti_n,
           coalesce(c.qpv_n, 0) as qpv_n,
           coalesce(c.rural_n, 0) as rural_n,
           coalesce(c.creations_n, 0) as creations_n,
           coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp
    from listed t
    left join extents e using (code)
    left join counts c using (code)
)
select * from final
order by projects_n desc, strip_accents(lower(name)), code

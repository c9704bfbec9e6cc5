-- The same ratios side by side for the territory, its parent (the département of a commune, the main
-- département of an EPCI, the région of a département; none for a région) and France: population,
-- rural share, QPV, structures working there (in the network during the period), unemployment rate at
-- one quarter for all rows (the latest of the territory's own series: its zone d'emploi for an EPCI or
-- commune, else itself), Filosofi 2021 for an EPCI or commune row only (no département, région or
-- national figure in the source), people employed in SIAE at the latest month for département, région
-- and France rows (a département-level source); and the network's figures of the département, région
-- and France rows: projects detected in the period, creations and jobs created in the period, rates per
-- 100,000 inhabitants (every filter applies). Network figures below the département (an EPCI or a
-- commune row) are not given here: territoire/network_here gives them among their peers, so that the
-- disclosure policy protects them; nor are those of a row that is not wholly inside the régions and
-- départements of the filters (a partner's perimeter: they would count only part of the row).
-- grain: one row per compared territory (role 'territoire', 'parent', 'france')
-- disclosure: aggregate
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with compared as (
    select 1 as role_order, 'territoire' as role, t.level, t.code, t.name, t.population, t.communes_n, t.dep_codes
    from territory_of($niveau, $code) t
    union all
    select 2, 'parent', p.level, p.code, p.name, p.population, p.communes_n, p.dep_codes
    from territory_of($niveau, $code) t
    join territories p
      on (t.level in ('epci', 'commune') and p.level = 'dep' and p.code = t.dep_code)
      or (t.level = 'dep' and p.level = 'reg' and p.code = t.reg_code)
    union all
    select 3, 'france', 'fr', 'FR', 'France', (select cast(sum(population) as bigint) from communes),
           (select count(*) from communes), (select list(dep_code order by dep_code) from departments)
    from territory_of($niveau, $code)
),
compared_communes as (
    select k.role, c.insee_code, c.population, c.is_rural
    from compared k
    join communes c
      on case k.level when 'reg' then c.reg_code = k.code
                      when 'dep' then c.dep_code = k.code
                      when 'epci' then c.epci_siren = k.code
                      when 'commune' then c.insee_code = k.code
                      else true end
),
places as (
    select role,
           cast(coalesce(sum(population) filter (where is_rural), 0) as bigint) as rural_population_n
    from compared_communes
    group by role
),
qpv_here as (
    select cc.role, count(distinct q.qpv_code) as qpv_n
    from compared_communes cc
    join qpv_communes q using (insee_code)
    group by cc.role
),
-- structures working there: their départements cover one of the territory's, and they were in the
-- network at some time in the period (status at its end, as the filter reads it)
structures_here as (
    select k.role, count(distinct s.structure_id) as structures_n
    from compared k, unnest(k.dep_codes) as u(dep_code)
    join structure_departments sd on sd.dep_code = u.dep_code
    join scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s on s.structure_id = sd.structure_id
    where is_active_between(s.joined_year, s.exit_year, $year_from, $year_to)
    group by k.role
),
-- the départements the région and département filters leave (all of them without those filters)
filtered_departments as (
    select list(dep_code) as dep_codes
    from departments
    where ($regs is null or list_contains($regs, reg_code))
      and ($deps is null or list_contains($deps, dep_code))
),
network as (
    select cc.role, cast(sum(n.projects_n) as bigint) as projects_n,
           cast(sum(n.iae_projects_n) as bigint) as iae_projects_n,
           cast(sum(n.creations_n) as bigint) as creations_n, sum(n.jobs_etp) as jobs_etp,
           sum(n.insertion_jobs_etp) as insertion_jobs_etp
    from compared_communes cc
    join commune_network($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types,
                         $zonages, $stages) n using (insee_code)
    group by cc.role
),
shown as (
    select k.role,
           k.level in ('dep', 'reg', 'fr') and list_has_all(f.dep_codes, k.dep_codes) as network_shown
    from compared k
    cross join filtered_departments f
),
-- unemployment: the series of each row, read at the territory's latest quarter (an EPCI's or a
-- commune's series is its main zone d'emploi's)
series_key as (
    select k.role,
           case when k.level in ('epci', 'commune') then 'ze' else k.level end as level,
           case when k.level in ('epci', 'commune') then m.ze_code else k.code end as code
    from compared k
    left join main_employment_zone($niveau, $code) m on k.role = 'territoire'
),
series as materialized (
    select * from unemployment_series()
),
reference_quarter as (
    select coalesce(
        (select max(u.q) from series_key s join series u using (level, code) where s.role = 'territoire'),
        (select max(q) from series where level = 'fr' and code = 'FR')) as q
),
unemployment as (
    select s.role, u.rate_pct as unemployment_rate_pct,
           'T' || u.quarter || ' ' || u.year as unemployment_period
    from series_key s
    cross join reference_quarter r
    join series u on u.level = s.level and u.code = s.code and u.q = r.q
),
filosofi as (
    select k.role, coalesce(fe.median_income, fc.median_income) as median_income,
           coalesce(fe.poverty_rate_pct, fc.poverty_rate_pct) as poverty_rate_pct
    from compared k
    left join filosofi_epci fe on k.level = 'epci' and fe.epci_siren = k.code
    left join filosofi_communes fc on k.level = 'commune' and fc.insee_code = k.code
),
siae as (
    select k.role, sum(s.employees_n) as siae_employees_n
    from compared k, unnest(k.dep_codes) as u(dep_code)
    join siae_employment s on s.dep_code = u.dep_code and s.month = (select max(month) from siae_employment)
    where k.level in ('dep', 'reg', 'fr')
    group by k.role
),
final as (
    select k.role, k.level, k.code, k.name,
           k.population as population_n, k.communes_n,
           pl.rural_population_n / nullif(k.population, 0) as rural_population_pct,
           coalesce(q.qpv_n, 0) as qpv_n,
           coalesce(sh.structures_n, 0) as structures_n,
           sw.network_shown,
           case when sw.network_shown then coalesce(n.projects_n, 0) end as projects_n,
           case when sw.network_shown then coalesce(n.projects_n, 0) * 100000.0 / nullif(k.population, 0) end
               as projects_per_100k,
           case when sw.network_shown then coalesce(n.iae_projects_n, 0) end as iae_projects_n,
           case when sw.network_shown then coalesce(n.iae_projects_n, 0) * 100000.0 / nullif(k.population, 0) end
               as iae_projects_per_100k,
           case when sw.network_shown then coalesce(n.creations_n, 0) end as creations_n,
           case when sw.network_shown then coalesce(n.creations_n, 0) * 100000.0 / nullif(k.population, 0) end
               as creations_per_100k,
           case when sw.network_shown then coalesce(n.jobs_etp, 0) end as jobs_etp,
           case when sw.network_shown then coalesce(n.insertion_jobs_etp, 0) end as insertion_jobs_etp,
           case when sw.network_shown then coalesce(n.jobs_etp, 0) * 100000.0 / nullif(k.population, 0) end
               as jobs_per_100k,
           un.unemployment_rate_pct, un.unemployment_period,
           f.median_income, f.poverty_rate_pct,
           si.siae_employees_n,
           si.siae_employees_n * 10000.0 / nullif(k.population, 0) as siae_employees_per_10k,
           k.role_order
    from compared k
    join shown sw using (role)
    left join places pl using (role)
    left join qpv_here q using (role)
    left join structures_here sh using (role)
    left join network n using (role)
    left join unemployment un using (role)
    left join filosofi f using (role)
    left join siae si using (role)
)
select * exclude (role_order) from final
order by role_order

-- The same ratios side by side for the territory, its parent (the département of a commune, the main
-- département of an EPCI, the région of a département; none for a région) and France: population,
-- rural share, QPV, structures working there, the network's projects detected in the period, its
-- creations and jobs created in the period (every filter applies, $regs/$deps included: pass null for
-- them to compare with the whole country), rates per 100,000 inhabitants; unemployment rate at one
-- quarter for all rows (the latest of the territory's own series: its zone d'emploi for an EPCI or
-- commune, else itself); Filosofi 2021 for an EPCI or commune row only (no département, région or
-- national figure in the source); people employed in SIAE at the latest month for département, région
-- and France rows (a département-level source). The territory's row is also the sheet's network totals.
-- grain: one row per compared territory (role 'territoire', 'parent', 'france')
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with territory as (
    select * from territories where level = $niveau and code = $code
),
compared as (
    select 1 as role_order, 'territoire' as role, t.level, t.code, t.name, t.population, t.communes_n, t.dep_codes
    from territory t
    union all
    select 2, 'parent', p.level, p.code, p.name, p.population, p.communes_n, p.dep_codes
    from territory t
    join territories p
      on (t.level in ('epci', 'commune') and p.level = 'dep' and p.code = t.dep_code)
      or (t.level = 'dep' and p.level = 'reg' and p.code = t.reg_code)
    union all
    select 3, 'france', 'fr', 'FR', 'France', (select cast(sum(population) as bigint) from communes),
           (select count(*) from communes), (select list(dep_code order by dep_code) from departments)
    from territory
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
-- network during the period (joined by its end, not left before its start)
structures_here as (
    select k.role, count(distinct s.structure_id) as structures_n
    from compared k, unnest(k.dep_codes) as u(dep_code)
    join structure_departments sd on sd.dep_code = u.dep_code
    join scoped_structures($regs, $deps, $structure_ids, $status) s on s.structure_id = sd.structure_id
    where s.joined_year <= $year_to and (s.exit_year is null or s.exit_year >= $year_from)
    group by k.role
),
-- network figures per commune first (one pass over the projects), then summed per compared territory
commune_network as (
    select insee_code,
           count(*) filter (where detected_year between $year_from and $year_to) as projects_n,
           count(*) filter (where detected_year between $year_from and $year_to and is_iae) as iae_projects_n,
           count(*) filter (where created_year between $year_from and $year_to) as creations_n,
           coalesce(sum(jobs_etp) filter (where created_year between $year_from and $year_to), 0) as jobs_etp,
           coalesce(sum(insertion_jobs_etp) filter (where created_year between $year_from and $year_to), 0)
               as insertion_jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    group by insee_code
),
network as (
    select cc.role, sum(n.projects_n) as projects_n, sum(n.iae_projects_n) as iae_projects_n,
           sum(n.creations_n) as creations_n, sum(n.jobs_etp) as jobs_etp,
           sum(n.insertion_jobs_etp) as insertion_jobs_etp
    from compared_communes cc
    join commune_network n using (insee_code)
    group by cc.role
),
-- unemployment: the series of each row, read at the territory's latest quarter
-- zone d'emploi of an EPCI or commune row: the zone holding most of its population
main_zones as (
    select cc.role, z.ze_code
    from compared_communes cc
    join commune_employment_zones z using (insee_code)
    where cc.role in (select role from compared where level in ('epci', 'commune'))
    group by cc.role, z.ze_code
    qualify row_number() over (partition by cc.role order by sum(cc.population) desc, z.ze_code) = 1
),
series_key as (
    select k.role,
           case when k.level in ('epci', 'commune') then 'ze' else k.level end as level,
           case when k.level in ('epci', 'commune') then m.ze_code else k.code end as code
    from compared k
    left join main_zones m using (role)
),
unemployment_series as (
    select 'ze' as level, ze_code as code, year * 4 + quarter - 1 as q, year, quarter, rate_pct
    from unemployment_zones
    union all
    select level, code, year * 4 + quarter - 1, year, quarter, rate_pct
    from unemployment_rates
),
reference_quarter as (
    select coalesce(
        (select max(u.q) from series_key s join unemployment_series u using (level, code) where s.role = 'territoire'),
        (select max(q) from unemployment_series where level = 'fr' and code = 'FR')) as q
),
unemployment as (
    select s.role, u.rate_pct as unemployment_rate_pct,
           'T' || u.quarter || ' ' || u.year as unemployment_period
    from series_key s
    cross join reference_quarter r
    join unemployment_series u on u.level = s.level and u.code = s.code and u.q = r.q
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
           coalesce(n.projects_n, 0) as projects_n,
           coalesce(n.projects_n, 0) * 100000.0 / nullif(k.population, 0) as projects_per_100k,
           coalesce(n.iae_projects_n, 0) as iae_projects_n,
           coalesce(n.iae_projects_n, 0) * 100000.0 / nullif(k.population, 0) as iae_projects_per_100k,
           coalesce(n.creations_n, 0) as creations_n,
           coalesce(n.creations_n, 0) * 100000.0 / nullif(k.population, 0) as creations_per_100k,
           coalesce(n.jobs_etp, 0) as jobs_etp,
           coalesce(n.insertion_jobs_etp, 0) as insertion_jobs_etp,
           coalesce(n.jobs_etp, 0) * 100000.0 / nullif(k.population, 0) as jobs_per_100k,
           un.unemployment_rate_pct, un.unemployment_period,
           f.median_income, f.poverty_rate_pct,
           si.siae_employees_n,
           si.siae_employees_n * 10000.0 / nullif(k.population, 0) as siae_employees_per_10k,
           k.role_order
    from compared k
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

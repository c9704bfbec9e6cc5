-- Public statistics that describe one territory, each with its period and its value one year and five
-- years before (same series): localised unemployment rate (INSEE) of the territory's zone d'emploi (EPCI
-- or commune: the zone holding most of its population, coverage_pct of it), of its département (main
-- département of an EPCI) or of the région itself, and of France hors Mayotte; people employed in SIAE
-- (ASP, monthly) of the same département / région / France, also per 10,000 inhabitants (population
-- COG 2026 throughout, so the trend shows the count's change); Filosofi 2021 median income and poverty
-- rate of an EPCI or commune (and of a commune's EPCI), no trend. Every expected row is returned, value
-- null when the source has none; status 'ok', 'secret' (listed, value under statistical secrecy) or
-- 'absent' (no figure in the source for that territory).
-- grain: one row per (indicator, geo_role); indicators unemployment_rate, siae_employees,
-- siae_employees_per_10k (ratios in *_pct-style fractions for rates), median_income, poverty_rate
-- disclosure: aggregate
-- params: $niveau, $code
-- the geographies described, with the series key of each source
with geos as (
    select 1 as geo_order, 'zone_emploi' as geo_role, 'ze' as geo_level, ze_code as geo_code,
           ze_name as geo_name, coverage_pct, null::bigint as population
    from main_employment_zone($niveau, $code)
    union all
    select 2, 'departement', 'dep', d.dep_code, d.dep_name, null, t2.population
    from territory_of($niveau, $code) t
    join departments d on d.dep_code = t.dep_code
    join territories t2 on t2.level = 'dep' and t2.code = d.dep_code
    where t.level in ('dep', 'epci', 'commune')
    union all
    select 2, 'region', 'reg', t.code, t.name, null, t.population
    from territory_of($niveau, $code) t
    where t.level = 'reg'
    union all
    select 4, 'france', 'fr', 'FR', 'France', null, (select cast(sum(population) as bigint) from communes)
    from territory_of($niveau, $code)
),
-- unemployment: every quarterly series (the national one is 'FR', France hors Mayotte; 'FRM' is left out)
series as materialized (
    select * from unemployment_series() where code <> 'FRM'
),
unemployment_latest as (
    select g.geo_role, max(u.q) as q
    from geos g
    join series u on u.level = g.geo_level and u.code = g.geo_code
    group by g.geo_role
),
unemployment as (
    -- the national series is France hors Mayotte: say so with the source's own name
    select 'unemployment_rate' as indicator, g.geo_order, g.geo_role, g.geo_level, g.geo_code,
           case when g.geo_level = 'fr'
                then (select any_value(name) from unemployment_rates where level = 'fr' and code = 'FR')
                else g.geo_name end as geo_name,
           g.coverage_pct,
           'T' || u0.quarter || ' ' || u0.year as period_label, u0.rate_pct as value,
           'T' || u1.quarter || ' ' || u1.year as period_1y_label, u1.rate_pct as value_1y,
           'T' || u5.quarter || ' ' || u5.year as period_5y_label, u5.rate_pct as value_5y,
           case when u0.rate_pct is null then 'absent' else 'ok' end as status
    from geos g
    left join unemployment_latest l using (geo_role)
    left join series u0 on u0.level = g.geo_level and u0.code = g.geo_code and u0.q = l.q
    left join series u1 on u1.level = g.geo_level and u1.code = g.geo_code and u1.q = l.q - 4
    left join series u5 on u5.level = g.geo_level and u5.code = g.geo_code and u5.q = l.q - 20
),
-- people employed in SIAE: the département's count, or the sum over the région's / France's départements
siae_geos as (
    select g.*, d.dep_code
    from geos g
    join departments d
      on (g.geo_level = 'dep' and d.dep_code = g.geo_code)
      or (g.geo_level = 'reg' and d.reg_code = g.geo_code)
      or g.geo_level = 'fr'
),
siae_months as (
    select g.geo_role, s.month, sum(s.employees_n) as employees_n, count(*) as departments_n
    from siae_geos g
    join siae_employment s using (dep_code)
    group by g.geo_role, s.month
),
siae_latest as (
    select max(month) as month from siae_employment
),
siae as (
    select g.geo_order, g.geo_role, g.geo_level, g.geo_code, g.geo_name, g.coverage_pct, g.population,
           strftime(l.month, '%m/%Y') as period_label, m0.employees_n as value,
           strftime(l.month - interval 1 year, '%m/%Y') as period_1y_label, m1.employees_n as value_1y,
           strftime(l.month - interval 5 year, '%m/%Y') as period_5y_label, m5.employees_n as value_5y,
           case when m0.employees_n is null then 'absent' else 'ok' end as status
    from geos g
    cross join siae_latest l
    left join siae_months m0 on m0.geo_role = g.geo_role and m0.month = l.month
    left join siae_months m1 on m1.geo_role = g.geo_role and m1.month = last_day(l.month - interval 1 year)
    left join siae_months m5 on m5.geo_role = g.geo_role and m5.month = last_day(l.month - interval 5 year)
    where g.geo_level in ('dep', 'reg', 'fr')
),
-- Filosofi 2021: the EPCI or commune itself, and a commune's EPCI
filosofi_geos as (
    select 3 as geo_order, 'territoire' as geo_role, t.level as geo_level, t.code as geo_code, t.name as geo_name
    from territory_of($niveau, $code) t
    where t.level in ('epci', 'commune')
    union all
    select 3, 'epci', 'epci', e.epci_siren, e.epci_name
    from territory_of($niveau, $code) t
    join epci e on e.epci_siren = t.epci_siren
    where t.level = 'commune'
),
filosofi as (
    select g.*, coalesce(fe.median_income, fc.median_income) as median_income,
           coalesce(fe.poverty_rate_pct, fc.poverty_rate_pct) as poverty_rate_pct,
           fe.epci_siren is not null or fc.insee_code is not null as is_listed
    from filosofi_geos g
    left join filosofi_epci fe on g.geo_level = 'epci' and fe.epci_siren = g.geo_code
    left join filosofi_communes fc on g.geo_level = 'commune' and fc.insee_code = g.geo_code
),
final as (
    select indicator, geo_order, geo_role, geo_level, geo_code, geo_name, coverage_pct,
           period_label, value, period_1y_label, value_1y, period_5y_label, value_5y, status
    from unemployment
    union all
    select 'siae_employees', geo_order, geo_role, geo_level, geo_code, geo_name, coverage_pct,
           period_label, value, period_1y_label, value_1y, period_5y_label, value_5y, status
    from siae
    union all
    select 'siae_employees_per_10k', geo_order, geo_role, geo_level, geo_code, geo_name, coverage_pct,
           period_label, value * 10000.0 / nullif(population, 0),
           period_1y_label, value_1y * 10000.0 / nullif(population, 0),
           period_5y_label, value_5y * 10000.0 / nullif(population, 0), status
    from siae
    union all
    select 'median_income', geo_order, geo_role, geo_level, geo_code, geo_name, null,
           '2021', median_income, null, null, null, null,
           case when median_income is not null then 'ok' when is_listed then 'secret' else 'absent' end
    from filosofi
    union all
    select 'poverty_rate', geo_order, geo_role, geo_level, geo_code, geo_name, null,
           '2021', poverty_rate_pct, null, null, null, null,
           case when poverty_rate_pct is not null then 'ok' when is_listed then 'secret' else 'absent' end
    from filosofi
)
select * from final
order by case indicator when 'unemployment_rate' then 1 when 'median_income' then 2 when 'poverty_rate' then 3
                        when 'siae_employees' then 4 else 5 end,
         geo_order

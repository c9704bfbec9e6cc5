-- Localised unemployment rate (INSEE, ILO definition, seasonally adjusted) of France, the régions and
-- the départements, by quarter, 2000-T1 to 2024-T4; rate_pct is a ratio (6,1 % -> 0.061).
-- Régions are matched by name (the source names the 13 mainland régions); a région made of a single
-- département (Guadeloupe, Martinique, Guyane, La Réunion) takes its département's series: same
-- territory. 'FR' is France hors Mayotte (the national figure), 'FRM' France métropolitaine.
-- Mayotte has no series.
-- grain: one row per (level, code, year, quarter); level 'fr', 'reg', 'dep'
with src as (
    select niveau, code,
           cast(left(trimestre, 4) as integer) as year,
           cast(right(trimestre, 1) as integer) as quarter,
           taux_chomage_cvs / 100.0 as rate_pct
    from src_chomage_departements_regions_2000T1_2024T4
),
deps as (
    select 'dep' as level, d.dep_code as code, d.dep_name as name, s.year, s.quarter, s.rate_pct
    from src s
    join departments d on d.dep_code = s.code
    where s.niveau = 'DEP'
),
single_dep_regions as (
    select reg_code, min(dep_code) as dep_code
    from departments
    group by reg_code
    having count(*) = 1
),
regs as (
    select 'reg' as level, r.reg_code as code, r.reg_name as name, s.year, s.quarter, s.rate_pct
    from src s
    join regions r on r.reg_name = s.code
    where s.niveau = 'REG/FR'
    union all
    select 'reg', r.reg_code, r.reg_name, d.year, d.quarter, d.rate_pct
    from single_dep_regions o
    join regions r using (reg_code)
    join deps d on d.code = o.dep_code
),
france as (
    select 'fr' as level, case s.code when 'France hors Mayotte' then 'FR' else 'FRM' end as code,
           s.code as name, s.year, s.quarter, s.rate_pct
    from src s
    where s.niveau = 'REG/FR' and s.code in ('France hors Mayotte', 'France métropolitaine')
)
select * from france
union all
select * from regs
union all
select * from deps
order by level, code, year, quarter

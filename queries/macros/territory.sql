-- The territory of the « Fiche territoire », written once for its queries (queries/territoire/*): the row
-- of one territory (territories: lvl a code of vocab_levels 'reg', 'dep', 'epci', 'commune'; terr its
-- code), its communes, its main zone d'emploi, the quarterly unemployment series under one key, and the
-- network's figures per commune (scoped_projects: every filter of the bar applies).

create or replace macro territory_of(lvl, terr) as table
select t.*
from territories t
where t.level = lvl and t.code = terr;

create or replace macro territory_communes(lvl, terr) as table
select c.*
from communes c
where case lvl when 'reg' then c.reg_code when 'dep' then c.dep_code
               when 'epci' then c.epci_siren when 'commune' then c.insee_code end = terr;

-- the zone d'emploi holding most of an EPCI's or a commune's population (none for a région or a
-- département: their own series exist), with the share of the territory's population it holds
create or replace macro main_employment_zone(lvl, terr) as table
select z.ze_code, any_value(z.ze_name) as ze_name,
       sum(m.population) / nullif((select t.population from territory_of(lvl, terr) t), 0) as coverage_pct
from territory_communes(lvl, terr) m
join commune_employment_zones z using (insee_code)
where lvl in ('epci', 'commune')
group by z.ze_code
order by sum(m.population) desc, z.ze_code
limit 1;

-- every quarterly unemployment series as (level 'ze' / 'dep' / 'reg' / 'fr', code, quarter index q)
create or replace macro unemployment_series() as table
select 'ze' as level, ze_code as code, ze_name as name, year * 4 + quarter - 1 as q, year, quarter, rate_pct
from unemployment_zones
union all
select level, code, name, year * 4 + quarter - 1, year, quarter, rate_pct
from unemployment_rates;

-- the network per commune, in one pass over the projects: detected in the period (of which IAE, of which
-- in a QPV), created in the period, jobs and insertion posts of those creations
create or replace macro commune_network(year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
select p.insee_code,
       count(*) filter (where p.detected_year between year_from and year_to) as projects_n,
       count(*) filter (where p.detected_year between year_from and year_to and p.is_iae) as iae_projects_n,
       count(*) filter (where p.detected_year between year_from and year_to and p.in_qpv) as qpv_projects_n,
       count(*) filter (where p.created_year between year_from and year_to) as creations_n,
       coalesce(sum(p.jobs_etp) filter (where p.created_year between year_from and year_to), 0) as jobs_etp,
       coalesce(sum(p.insertion_jobs_etp) filter (where p.created_year between year_from and year_to), 0)
           as insertion_jobs_etp
from scoped_projects(regs, deps, structure_ids, status, iae, siae_types, zonages, stages, year_to) p
group by p.insee_code;

-- The shared filter bar and the rules of time, written once as DuckDB macros so that every read query
-- applies the same rules. Each list argument is null for "all". zonages are OR-ed: a project in any
-- selected zoning is kept (project_zonings, from vocab_zonings). A structure is in a région/département
-- when its territory covers it; a project when it lies there.
-- Time: a structure is active in a year from its year of entry to its exit year (its last year in the
-- network; null: still in it); its status in a year is appellation from its appellation year, else
-- expérimentation. The `statut` filter compares the status at the end of the period (year_to): a structure
-- that left before then has none and is kept only when no status is asked for.

create or replace macro is_active(joined_year, exit_year, y) as
    joined_year <= y and (exit_year is null or exit_year >= y);

-- active at least one year of [y_from, y_to]
create or replace macro is_active_between(joined_year, exit_year, y_from, y_to) as
    joined_year <= y_to and (exit_year is null or exit_year >= y_from);

-- status code (vocab_statuses) in year y, null when not in the network that year
create or replace macro status_code_at(joined_year, appellation_year, exit_year, y) as
    case when not is_active(joined_year, exit_year, y) then null
         when appellation_year <= y then 'appellation'
         else 'experimentation' end;

-- status label (as stored and as the `status` filter parameter carries it) in year y; the labels are read
-- by uncorrelated lookups (computed once per query, not once per row)
create or replace macro status_at(joined_year, appellation_year, exit_year, y) as
    case status_code_at(joined_year, appellation_year, exit_year, y)
        when 'appellation' then (select v.label from vocab_statuses v where v.code = 'appellation')
        when 'experimentation' then (select v.label from vocab_statuses v where v.code = 'experimentation')
    end;

-- rank of a stage given by its code (vocab_stages), so that no query types a rank
create or replace macro stage_rank(stage_code) as
    (select o.stage_rank from stage_order o where o.code = stage_code);

-- the data date (build_info) and the last complete year: a year is complete when the data date is on or
-- after its 31 December; a later year is partial (never the default period, always marked)
create or replace macro data_date() as
    (select cast(b.value as date) from build_info b where b.section = 'meta' and b.key = 'data_date');

create or replace macro last_complete_year() as
    (select case when d >= make_date(year(d), 12, 31) then year(d) else year(d) - 1 end
     from (select data_date() as d));

create or replace macro is_partial_year(y) as y > last_complete_year();

-- status_end: the status label at the end of the period (null: not in the network then). The vocabulary is
-- joined rather than looked up row by row (status_at): a join plans and runs several times faster.
create or replace macro scoped_structures(regs, deps, structure_ids, status, year_to) as table
select s.*, v.label as status_end
from structures s
left join vocab_statuses v on v.code = status_code_at(s.joined_year, s.appellation_year, s.exit_year, year_to)
where (structure_ids is null or list_contains(structure_ids, s.structure_id))
  and (status is null or v.label = status)
  and (regs is null or s.structure_id in (
        select structure_id from structure_departments where list_contains(regs, reg_code)))
  and (deps is null or s.structure_id in (
        select structure_id from structure_departments where list_contains(deps, dep_code)));

create or replace macro scoped_projects(regs, deps, structure_ids, status, iae, siae_types, zonages, stages, year_to) as table
select p.*
from project_facts p
where (structure_ids is null or list_contains(structure_ids, p.structure_id))
  and (status is null or p.structure_id in (
        select s.structure_id
        from structures s
        join vocab_statuses v on v.code = status_code_at(s.joined_year, s.appellation_year, s.exit_year, year_to)
        where v.label = status))
  and (regs is null or list_contains(regs, p.reg_code))
  and (deps is null or list_contains(deps, p.dep_code))
  and (iae is null or p.is_iae = iae)
  and (siae_types is null or list_contains(siae_types, p.siae_type))
  and (stages is null or list_contains(stages, p.stage))
  and (zonages is null or p.project_id in (
        select z.project_id from project_zonings z where list_contains(zonages, z.zoning)));

-- The cohorts of a period: projects detected in it, within every filter.
create or replace macro period_projects(year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
select p.*
from scoped_projects(regs, deps, structure_ids, status, iae, siae_types, zonages, stages, year_to) p
where p.detected_year between year_from and year_to;

-- A project "followed" in a period: detected by its end, and neither created nor abandoned before
-- its start (structure list and fiche, exports).
create or replace macro is_followed(detected_year, created_year, abandoned_year, year_from, year_to) as
    detected_year <= year_to and coalesce(created_year, abandoned_year, year_to) >= year_from;

-- The projects followed in a period, within every filter (the exports).
create or replace macro followed_projects(year_from, year_to, regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
select p.*
from scoped_projects(regs, deps, structure_ids, status, iae, siae_types, zonages, stages, year_to) p
where is_followed(p.detected_year, p.created_year, p.abandoned_year, year_from, year_to);

-- The code of a territory of a level ('reg', 'dep', anything else: the whole perimeter 'FR').
create or replace macro territory_code(level, reg_code, dep_code) as
    case level when 'reg' then reg_code when 'dep' then dep_code else 'FR' end;

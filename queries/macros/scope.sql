-- The shared filter bar as two table macros, so that every read query applies the same rules.
-- Each list argument is null for "all". zonages are OR-ed: a project in any selected zoning is kept.
-- A structure is in a région/département when its territory covers it; a project when it lies there.
create or replace macro scoped_structures(regs, deps, structure_ids, status) as table
select s.*
from structures s
where (structure_ids is null or list_contains(structure_ids, s.structure_id))
  and (status is null or s.status = status)
  and (regs is null or s.structure_id in (
        select structure_id from structure_departments where list_contains(regs, reg_code)))
  and (deps is null or s.structure_id in (
        select structure_id from structure_departments where list_contains(deps, dep_code)));

create or replace macro scoped_projects(regs, deps, structure_ids, status, iae, siae_types, zonages, stages) as table
select p.*
from project_facts p
where (structure_ids is null or list_contains(structure_ids, p.structure_id))
  and (status is null or p.structure_status = status)
  and (regs is null or list_contains(regs, p.reg_code))
  and (deps is null or list_contains(deps, p.dep_code))
  and (iae is null or p.is_iae = iae)
  and (siae_types is null or list_contains(siae_types, p.siae_type))
  and (stages is null or list_contains(stages, p.stage))
  and (zonages is null
       or (list_contains(zonages, 'qpv') and p.in_qpv)
       or (list_contains(zonages, 'rural') and p.is_rural)
       or (list_contains(zonages, 'pvd') and p.is_pvd)
       or (list_contains(zonages, 'crte') and p.in_crte)
       or (list_contains(zonages, 'leader') and p.in_gal));

-- A project "followed" in a period: detected by its end, and neither created nor abandoned before
-- its start (structure list and fiche, exports).
create or replace macro is_followed(detected_year, created_year, abandoned_year, year_from, year_to) as
    detected_year <= year_to and coalesce(created_year, abandoned_year, year_to) >= year_from;

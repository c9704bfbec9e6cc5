-- Structures of the network active at the end of the period, with their seat and their status then.
-- grain: one row per structure active in $year_to
-- params: $year_to, $regs, $deps, $structure_ids, $status
-- disclosure: aggregate
select s.structure_id, s.name, s.commune_name, s.dep_code, s.reg_code, s.lon, s.lat, s.joined_year,
       s.appellation_year, s.status_end as status_then
from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
where is_active(s.joined_year, s.exit_year, $year_to)
order by s.name

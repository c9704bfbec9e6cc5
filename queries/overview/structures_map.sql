-- Structures of the network with their seat and their status at the end of the period.
-- grain: one row per structure that had joined by $year_to
-- params: $year_to, $regs, $deps, $structure_ids, $status
select s.structure_id, s.name, s.commune_name, s.dep_code, s.reg_code, s.lon, s.lat, s.joined_year,
       s.appellation_year,
       case when s.appellation_year <= $year_to then 'appellation' else 'expérimentation' end as status_then
from scoped_structures($regs, $deps, $structure_ids, $status) s
where s.joined_year <= $year_to
order by s.name

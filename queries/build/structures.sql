-- Structures porteuses of the network (demo or imported records). status is the status today;
-- exit_year: last year in the network of a structure that left it (null: still in the network).
-- grain: one row per structure_id
select s.structure_id, s.name, s.status, cast(s.joined_year as integer) as joined_year,
       cast(s.appellation_year as integer) as appellation_year,
       cast(s.exit_year as integer) as exit_year, s.insee_code,
       c.commune_name, c.dep_code, c.reg_code, c.lon, c.lat
from src_structures s
left join communes c using (insee_code)
order by s.structure_id

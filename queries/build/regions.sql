-- The 18 régions of the official geography (COG 2026); overseas collectivities (COM) left out.
-- grain: one row per reg_code
select reg_code, reg_name, chef_lieu_insee, zone, n_communes, population_municipale as population
from src_regions
where zone <> 'com'
order by reg_code

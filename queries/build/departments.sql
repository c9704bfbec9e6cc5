-- The 101 départements (Corsica 2A/2B, overseas 971-976); COM pseudo-codes left out.
-- grain: one row per dep_code
select dep_code, dep_name, reg_code, chef_lieu_insee, zone, n_communes,
       population_municipale as population
from src_departements
where zone <> 'com'
order by dep_code

-- Contrats de relance et de transition écologique (first generation, late-2022 list): 854 contracts.
-- grain: one row per crte_id
select crte_id, any_value(crte_name) as crte_name, any_value(crte_type) as crte_type,
       any_value(dep_codes) as dep_codes, any_value(reg_codes) as reg_codes
from src_crte_groupements
group by crte_id
order by crte_id

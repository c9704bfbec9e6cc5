-- Old, merged, delegated and renumbered commune codes mapped to today's commune (COG 2026).
-- grain: one row per (old_insee_code, insee_code); six old codes were split between neighbours
select old_insee_code, old_name, insee_code, relation, try_cast(effective_date as date) as effective_date
from src_communes_history
order by old_insee_code, insee_code

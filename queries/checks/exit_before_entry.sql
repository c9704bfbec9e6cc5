-- Structures that left the network before they joined it.
-- grain: one row per offending structure
select structure_id, joined_year, exit_year
from structures
where exit_year < joined_year

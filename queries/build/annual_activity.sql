-- Activity declared by each structure for a year.
-- grain: one row per (structure_id, year)
select structure_id, cast(year as integer) as year,
       cast(creativity_sessions as integer) as creativity_sessions,
       cast(opportunity_studies as integer) as opportunity_studies,
       cast(partners as integer) as partners
from src_annual_activity
order by structure_id, year

-- First and last year with any record (entry, detection, activity); defaults to the data date's year.
-- grain: one row
-- params: none
with years as (
    select joined_year as y from structures
    union all select detected_year from project_facts
    union all select year from annual_activity
)
select coalesce(min(y), year(current_date)) as year_min, coalesce(max(y), year(current_date)) as year_max
from years

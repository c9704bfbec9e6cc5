-- First and last year with any record (entry, detection, activity), defaulting to the data date's year;
-- the data date (build_info) and the last complete year: a year is complete when the data date is on or
-- after its 31 December (macro last_complete_year). default_year_to is the end of the default period: the
-- last complete year, within [year_min, year_max]; a year after last_complete_year is partial.
-- grain: one row
-- params: none
-- disclosure: aggregate
with years as (
    select joined_year as y from structures
    union all select detected_year from project_facts
    union all select year from annual_activity
),
bounds as (
    select coalesce(min(y), year(data_date())) as year_min, coalesce(max(y), year(data_date())) as year_max
    from years
)
select b.year_min, b.year_max, data_date() as data_date, last_complete_year() as last_complete_year,
       greatest(b.year_min, least(b.year_max, last_complete_year())) as default_year_to
from bounds b

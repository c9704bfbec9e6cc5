-- Départements for the filter bar, with their région.
-- grain: one row per dep_code
-- params: none
-- disclosure: aggregate
select dep_code, dep_name, reg_code from departments order by dep_code

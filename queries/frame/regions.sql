-- Régions for the filter bar.
-- grain: one row per reg_code
-- params: none
-- disclosure: aggregate
select reg_code, reg_name from regions order by reg_name

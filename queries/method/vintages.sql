-- Geography vintages of the reference data the database was built with.
-- grain: one row per reference family
-- params: none
-- disclosure: aggregate
select key as family, value as vintage from build_info where section = 'vintage' order by key

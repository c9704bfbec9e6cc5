-- What was built, when, from what: the provenance shown on every page and in every export.
-- grain: one row per (section, key)
-- params: none
-- disclosure: aggregate
select section, key, value from build_info order by section, key

-- Départements covered by one structure (its territory), with their région; covered_n = 1 colours
-- them on a map, and the extent of their communes' centroids frames that map.
-- grain: one row per dep_code covered by $structure_id
-- params: $structure_id
-- disclosure: aggregate
with covered as (
    select dep_code, reg_code from structure_departments where structure_id = $structure_id
),
extents as (
    select dep_code, min(lon) as lon_min, max(lon) as lon_max, min(lat) as lat_min, max(lat) as lat_max
    from communes
    where dep_code in (select dep_code from covered)
    group by dep_code
),
final as (
    select c.dep_code, d.dep_name, r.reg_name, 1 as covered_n,
           e.lon_min, e.lon_max, e.lat_min, e.lat_max
    from covered c
    left join departments d using (dep_code)
    left join regions r on r.reg_code = c.reg_code
    left join extents e using (dep_code)
)
select * from final order by dep_code

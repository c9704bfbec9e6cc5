-- The zone d'emploi 2020 of each commune of today (COG 2026), from the INSEE composition in COG 2023:
-- by its own code (matched_by 'code'), else through the old codes of communes_history (a commune
-- nouvelle created since takes the zone holding most of its former communes: 'history'). Communes
-- re-created since 2023 (their code was not a commune in 2023) have no row: no zone is guessed.
-- grain: one row per insee_code
with composition as (
    select insee_code, ze2020 as ze_code, ze2020_name as ze_name
    from src_communes_zones_emploi_2023
),
direct as (
    select c.insee_code, z.ze_code, z.ze_name, 'code' as matched_by
    from communes c
    join composition z using (insee_code)
),
via_history as (
    select h.insee_code, z.ze_code, any_value(z.ze_name) as ze_name, count(*) as old_communes_n
    from composition z
    join commune_history h on h.old_insee_code = z.insee_code
    where h.insee_code not in (select insee_code from direct)
    group by h.insee_code, z.ze_code
),
best_history as (
    select insee_code, ze_code, ze_name, 'history' as matched_by
    from via_history
    qualify row_number() over (partition by insee_code order by old_communes_n desc, ze_code) = 1
)
select * from direct
union all
select * from best_history
order by insee_code

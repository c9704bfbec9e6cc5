-- Who signs the contrat de ville in the Métropole du Grand Paris: each commune's établissement public
-- territorial (EPT), or Paris itself (territory T1, not an EPT: its unit is the commune 75056).
-- Codes from before 2025 are mapped to today's commune (93059 Pierrefitte-sur-Seine -> 93066 Saint-Denis,
-- same EPT) through commune_history; codes that are current communes are kept as they are.
-- grain: one row per insee_code
with source as (
    select e.code_commune, e.siren_ept, e.lib_ept,
           coalesce(c.insee_code, h.insee_code) as insee_code
    from src_ept_grand_paris_communes e
    left join communes c on c.insee_code = e.code_commune
    left join commune_history h on h.old_insee_code = e.code_commune and c.insee_code is null
),
final as (
    select distinct s.insee_code,
           coalesce(s.siren_ept, s.insee_code) as unit_id,
           case when s.siren_ept is null then 'commune' else 'ept' end as unit_kind,
           case when s.siren_ept is null then c.commune_name else s.lib_ept end as unit_name
    from source s
    join communes c using (insee_code)
)
select * from final
order by insee_code

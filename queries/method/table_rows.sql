-- Rows of each table of the database at the last build (the records and the reference tables).
-- grain: one row per table
-- params: none
-- disclosure: aggregate
with labelled(tbl, label, position) as (
    values
    ('structures', 'Structures porteuses', 1),
    ('structure_departments', 'Départements couverts par les structures', 2),
    ('projects', 'Projets', 3),
    ('annual_activity', 'Activité annuelle déclarée (structure × année)', 4),
    ('rejected_rows', 'Lignes refusées à l''importation', 5),
    ('regions', 'Régions', 10),
    ('departments', 'Départements', 11),
    ('epci', 'EPCI à fiscalité propre', 12),
    ('communes', 'Communes', 13),
    ('commune_history', 'Correspondances d''anciens codes de communes', 14),
    ('qpv', 'Quartiers prioritaires (QPV)', 15),
    ('qpv_communes', 'Couples QPV × commune', 16),
    ('contrat_ville', 'Contrats de ville (EPCI, EPT ou Paris comptant un QPV)', 17),
    ('crte', 'Contrats de relance et de transition écologique (CRTE)', 18),
    ('crte_communes', 'Couples CRTE × commune', 19),
    ('leader_gal', 'Groupes d''action locale LEADER (GAL)', 20),
    ('leader_communes', 'Couples GAL × commune', 21),
    ('pvd_communes', 'Communes Petites villes de demain', 22),
    ('acv_communes', 'Communes Action cœur de ville', 23),
    ('ept_communes', 'Communes du Grand Paris par EPT (ou Paris)', 24),
    ('contracts', 'Contrats et zonages de la page Couverture', 25)
),
final as (
    select coalesce(l.label, b.key) as label, b.key as tbl, cast(b.value as bigint) as rows_n,
           coalesce(l.position, 99) as position
    from build_info b
    left join labelled l on l.tbl = b.key
    -- internal tables (project_facts, contract_keys, ...) are not listed: users read French names only
    where b.section = 'rows' and b.key in (select tbl from labelled)
)
select label, tbl, rows_n from final order by position, tbl

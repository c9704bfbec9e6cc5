-- Share of the projects detected in the period (within every filter) that lie under each contract or
-- zoning: in a QPV (project located in the quartier), in a commune with a QPV, in an EPCI under a
-- contrat de ville (proxy: EPCI with a QPV commune), in a rural commune (INSEE density grid), in a
-- PVD or ACV commune, in a CRTE, in a GAL. A project may be in several zonings: shares do not add up.
-- The GAL share is null (not 0) while no GAL perimeter has been imported.
-- grain: one row per zoning
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with projects as (
    select *
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where detected_year between $year_from and $year_to
),
gal_loaded as (
    select exists (select 1 from leader_communes) as loaded
),
counts as (
    select count(*) as total_n,
           count(*) filter (where in_qpv) as qpv_n,
           count(*) filter (where in_qpv_commune) as qpv_commune_n,
           count(*) filter (where in_contrat_ville) as ville_n,
           count(*) filter (where is_rural) as rural_n,
           count(*) filter (where is_pvd) as pvd_n,
           count(*) filter (where is_acv) as acv_n,
           count(*) filter (where in_crte) as crte_n,
           count(*) filter (where in_gal) as gal_n
    from projects
),
shares as (
    select 1 as zoning_order, 'qpv' as zoning, 'Dans un quartier prioritaire (QPV)' as zoning_name,
           qpv_n as projects_n, total_n
    from counts
    union all
    select 2, 'qpv_commune', 'Dans une commune comptant un QPV', qpv_commune_n, total_n from counts
    union all
    select 3, 'ville', 'Dans un EPCI sous contrat de ville', ville_n, total_n from counts
    union all
    select 4, 'rural', 'Dans une commune rurale', rural_n, total_n from counts
    union all
    select 5, 'pvd', 'Dans une petite ville de demain', pvd_n, total_n from counts
    union all
    select 6, 'acv', 'Dans une ville Action cœur de ville', acv_n, total_n from counts
    union all
    select 7, 'crte', 'Dans un contrat de ruralité (CRTE)', crte_n, total_n from counts
    union all
    select 8, 'gal', 'Dans un territoire LEADER (GAL)',
           case when (select loaded from gal_loaded) then gal_n end, total_n from counts
),
final as (
    select zoning, zoning_name, projects_n, total_n,
           projects_n / nullif(total_n, 0) as share_pct,
           zoning_order
    from shares
)
select * exclude (zoning_order) from final
order by zoning_order

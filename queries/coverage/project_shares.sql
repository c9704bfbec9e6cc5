-- Share of the projects detected in the period (within every filter) that lie in each zoning: the
-- zonings of the filter (vocab_zonings: QPV, rural commune, PVD, CRTE à dominante rurale, FRR, GAL, counted
-- through project_zonings) and three more: in a commune that has a QPV (not the same as being in the
-- quartier), in a commune under a contrat de ville, in an Action cœur de ville commune. A project may be in
-- several zonings: shares do not add up. The LEADER share is null (not 0) while no GAL perimeter is loaded.
-- qpv_code_missing_n (same on every row): projects counted that lie in a commune with a QPV but carry no
-- QPV code, to show beside every QPV figure (the QPV code is optional in the import template).
-- grain: one row per zoning
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with projects as (
    select project_id, in_qpv, in_qpv_commune, in_contrat_ville, is_acv
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
),
total as (
    select count(*) as total_n,
           count(*) filter (where in_qpv_commune and not in_qpv) as qpv_code_missing_n
    from projects
),
gal_loaded as (
    select exists (select 1 from leader_communes) as loaded
),
-- project_zonings holds each (project, zoning) once: count() counts projects
in_zoning as (
    select pz.zoning, count(*) as projects_n
    from project_zonings pz
    where pz.project_id in (select project_id from projects)
    group by pz.zoning
),
by_zoning as (
    select z.code as zoning, z.label as zoning_name, 10 * z.rank as zoning_order,
           coalesce(i.projects_n, 0) as projects_n
    from vocab_zonings z
    left join in_zoning i on i.zoning = z.code
),
others as (
    select 'qpv_commune' as zoning, 'Commune comptant un QPV' as zoning_name, 11 as zoning_order,
           count(*) filter (where in_qpv_commune) as projects_n
    from projects
    union all
    select 'ville', 'Commune sous contrat de ville (EPCI, EPT ou Paris comptant un QPV)', 12,
           count(*) filter (where in_contrat_ville)
    from projects
    union all
    select 'acv', 'Action cœur de ville', 31, count(*) filter (where is_acv)
    from projects
),
shares as (
    select * from by_zoning
    union all
    select * from others
),
final as (
    select s.zoning, s.zoning_name,
           case when s.zoning <> 'leader' or (select loaded from gal_loaded) then s.projects_n end as projects_n,
           t.total_n,
           case when s.zoning <> 'leader' or (select loaded from gal_loaded) then s.projects_n end
               / nullif(t.total_n, 0) as share_pct,
           t.qpv_code_missing_n,
           s.zoning_order
    from shares s
    cross join total t
)
select * exclude (zoning_order) from final
order by zoning_order

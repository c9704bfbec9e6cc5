-- The « Carnet de projets »: every project created in the period within the filters, with every field of
-- its card: title, structure, commune and its EPCI, département and région, sector, dates of detection,
-- study and creation, IAE and SIAE type, jobs and insertion posts, programme, and the zonings and
-- contracts it sits in: QPV through its qpv_code; contrat de ville unit, CRTE à dominante rurale and GAL
-- through its commune (zoning_communes), as names, several joined by « ; »; rural commune, FRR, PVD, ACV
-- as the flags of project_facts. Ordered for grouping: $group_by 'structure' (structure, then territory, then
-- date) or 'territoire' (région, département, commune, then date).
-- grain: one row per project created in the period
-- params: $group_by, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with created as (
    select *
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages)
    where created_year between $year_from and $year_to
),
zonings as (
    select z.insee_code,
           string_agg(z.zone_name, ' ; ' order by z.zone_name) filter (where z.family = 'ville') as ville_names,
           string_agg(z.zone_name, ' ; ' order by z.zone_name) filter (where z.family = 'ruralite') as ruralite_names,
           string_agg(z.zone_name, ' ; ' order by z.zone_name) filter (where z.family = 'leader') as leader_names
    from zoning_communes z
    where z.family in ('ville', 'ruralite', 'leader')
      and z.insee_code in (select insee_code from created)
    group by z.insee_code
),
final as (
    select p.project_id, p.title, p.structure_id, s.name as structure_name,
           p.insee_code, p.commune_name, p.epci_siren, e.epci_name, p.dep_code, d.dep_name,
           p.reg_code, r.reg_name, p.sector,
           p.detected_on, p.study_on, p.created_on, p.created_year,
           p.is_iae, p.siae_type, p.jobs_etp, p.insertion_jobs_etp, p.programme,
           p.qpv_code, q.qpv_name, p.is_rural,
           z.ville_names, z.ruralite_names, z.leader_names, p.is_frr, p.is_pvd, p.is_acv
    from created p
    left join structures s using (structure_id)
    left join epci e on e.epci_siren = p.epci_siren
    left join departments d on d.dep_code = p.dep_code
    left join regions r on r.reg_code = p.reg_code
    left join qpv q on q.qpv_code = p.qpv_code
    left join zonings z on z.insee_code = p.insee_code
)
select * from final
order by case when $group_by = 'structure' then strip_accents(lower(structure_name)) end,
         case when $group_by = 'structure' then structure_id end,
         strip_accents(lower(reg_name)), dep_code, strip_accents(lower(commune_name)), created_on, project_id

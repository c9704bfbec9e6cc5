-- The « Carnet de projets »: every project created in the period within the filters, with every field of
-- its card: title, structure, commune and its EPCI, département and région, sector, dates of detection,
-- study and creation, IAE and SIAE type, jobs and insertion posts, programme, and the zonings and
-- contracts it sits in: its QPV (qpv_code); the contracts it reaches by the coverage page's rule
-- (project_contracts, via 'own'), as names, several joined by « ; »: contrat de ville (the project lies
-- in one of its QPV), CRTE à dominante rurale, GAL; the contrat de ville unit of its commune
-- (contrat_ville_name: the commune is under that contract, the project not necessarily in one of its QPV);
-- rural commune, FRR, PVD, ACV as the flags of project_facts. Ordered for grouping: $group_by 'structure'
-- (structure, then territory, then date) or 'territoire' (région, département, commune, then date).
-- grain: one row per project created in the period
-- disclosure: rows
-- params: $group_by, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with created as materialized (
    select *
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    where created_year between $year_from and $year_to
),
reached as (
    select pc.project_id,
           string_agg(k.contract_name, ' ; ' order by k.contract_name) filter (where pc.family = 'ville')
               as ville_names,
           string_agg(k.contract_name, ' ; ' order by k.contract_name) filter (where pc.family = 'ruralite')
               as ruralite_names,
           string_agg(k.contract_name, ' ; ' order by k.contract_name) filter (where pc.family = 'leader')
               as leader_names
    from project_contracts pc
    join contracts k on k.family = pc.family and k.contract_id = pc.contract_id
    where pc.via = 'own'
      and pc.family in ('ville', 'ruralite', 'leader')
      and pc.project_id in (select project_id from created)
    group by pc.project_id
),
final as (
    select p.project_id, p.title, p.structure_id, s.name as structure_name,
           p.insee_code, p.commune_name, p.epci_siren, e.epci_name, p.dep_code, d.dep_name,
           p.reg_code, r.reg_name, p.sector,
           p.detected_on, p.study_on, p.created_on, p.created_year,
           p.is_iae, p.siae_type, p.jobs_etp, p.insertion_jobs_etp, p.programme,
           p.qpv_code, q.qpv_name, p.is_rural,
           c.ville_names, v.contract_name as contrat_ville_name, c.ruralite_names, c.leader_names,
           p.is_frr, p.is_pvd, p.is_acv
    from created p
    left join structures s using (structure_id)
    left join epci e on e.epci_siren = p.epci_siren
    left join departments d on d.dep_code = p.dep_code
    left join regions r on r.reg_code = p.reg_code
    left join qpv q on q.qpv_code = p.qpv_code
    left join reached c using (project_id)
    left join contrat_ville v on v.contract_id = p.contrat_ville_id
)
select * from final
order by case when $group_by = 'structure' then strip_accents(lower(structure_name)) end,
         case when $group_by = 'structure' then structure_id end,
         strip_accents(lower(reg_name)), dep_code, strip_accents(lower(commune_name)), created_on, project_id

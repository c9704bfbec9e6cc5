-- Projects in scope for the download, one full row each: followed in the period (detected by
-- $year_to, neither created nor abandoned before $year_from), every filter of the frame applied.
-- grain: one row per project_id
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: rows
with final as (
    select p.project_id, p.structure_id, s.name as structure_name, p.title, p.sector,
           p.insee_code, p.commune_name, p.dep_code, d.dep_name, p.reg_code, r.reg_name,
           p.epci_siren, e.epci_name, p.qpv_code,
           p.in_qpv, p.in_qpv_commune, p.in_contrat_ville, p.is_rural, p.is_frr, p.is_pvd, p.is_acv,
           p.in_crte, p.in_gal, p.in_ruralite,
           p.stage, p.abandon_stage, p.detected_on, p.study_on, p.created_on, p.abandoned_on,
           p.abandon_reason, p.is_iae, p.siae_type, p.jobs_etp, p.insertion_jobs_etp, p.programme
    from followed_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    left join structures s using (structure_id)
    left join departments d on d.dep_code = p.dep_code
    left join regions r on r.reg_code = p.reg_code
    left join epci e on e.epci_siren = p.epci_siren
)
select * from final order by project_id

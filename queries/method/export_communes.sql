-- Projects of the download aggregated by commune: what a partner or public viewer may download instead
-- of project rows. Same scope as method/export_projects (followed in the period, every filter applied).
-- Small counts are masked by the disclosure policy (fabrique.policy) like every other table.
-- grain: one row per commune with at least one project followed in the period
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: territory level=commune main=projects_n groups=dep_code,epci_siren
with final as (
    select p.insee_code, any_value(p.commune_name) as commune_name, p.dep_code, any_value(d.dep_name) as dep_name,
           any_value(p.reg_code) as reg_code, any_value(r.reg_name) as reg_name,
           any_value(p.epci_siren) as epci_siren, any_value(e.epci_name) as epci_name,
           count(*) as projects_n,
           count(*) filter (where p.created_year between $year_from and $year_to) as creations_n,
           sum(p.jobs_etp) filter (where p.created_year between $year_from and $year_to) as jobs_etp
    from followed_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    left join departments d on d.dep_code = p.dep_code
    left join regions r on r.reg_code = p.reg_code
    left join epci e on e.epci_siren = p.epci_siren
    group by p.insee_code, p.dep_code
)
select * from final order by dep_code, insee_code

-- IAE projects located in one territory and detected in the period, by SIAE type (as on the « Projets
-- IAE par territoire » page): count, and what those created by the end of the period brought
-- (creations, jobs, insertion posts). Only the types present; siae_type null = type not given.
-- fabrique.territory orders the types and adds the missing ones from fabrique.vocab.SIAE_TYPES.
-- grain: one row per siae_type present
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with members as (
    select c.insee_code
    from communes c
    where case $niveau when 'reg' then c.reg_code when 'dep' then c.dep_code
                       when 'epci' then c.epci_siren when 'commune' then c.insee_code end = $code
),
projects as (
    select p.*, coalesce(p.created_year <= $year_to, false) as created_in_time
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages) p
    where p.is_iae
      and p.detected_year between $year_from and $year_to
      and p.insee_code in (select insee_code from members)
),
final as (
    select siae_type,
           count(*) as projects_n,
           count(*) filter (where created_in_time) as creations_n,
           coalesce(sum(jobs_etp) filter (where created_in_time), 0) as jobs_etp,
           coalesce(sum(insertion_jobs_etp) filter (where created_in_time), 0) as insertion_jobs_etp
    from projects
    group by siae_type
)
select * from final order by siae_type nulls last

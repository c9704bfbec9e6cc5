-- IAE projects located in one territory and detected in the period (as on the « Projets IAE par
-- territoire » page), by SIAE type: count, and what those created by the end of the period brought
-- (creations, jobs, insertion posts). Every type of vocab_siae_types in its order, zero where none;
-- then a row for a type not given (siae_type null) or outside the vocabulary, when there is one.
-- grain: one row per SIAE type of the vocabulary, plus one per other type present
-- disclosure: territory level=$niveau main=projects_n
-- params: $niveau, $code, $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
with projects as (
    select p.siae_type, coalesce(p.created_year <= $year_to, false) as created_in_time, p.jobs_etp,
           p.insertion_jobs_etp
    from period_projects($year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types,
                         $zonages, $stages) p
    where p.is_iae
      and p.insee_code in (select insee_code from territory_communes($niveau, $code))
),
counts as (
    select siae_type,
           count(*) as projects_n,
           count(*) filter (where created_in_time) as creations_n,
           coalesce(sum(jobs_etp) filter (where created_in_time), 0) as jobs_etp,
           coalesce(sum(insertion_jobs_etp) filter (where created_in_time), 0) as insertion_jobs_etp
    from projects
    group by siae_type
),
final as (
    select coalesce(t.rank, (select count(*) + 1 from vocab_siae_types)) as type_rank,
           coalesce(t.code, c.siae_type) as siae_type, t.name as siae_name,
           coalesce(c.projects_n, 0) as projects_n,
           coalesce(c.creations_n, 0) as creations_n,
           coalesce(c.jobs_etp, 0) as jobs_etp,
           coalesce(c.insertion_jobs_etp, 0) as insertion_jobs_etp
    from vocab_siae_types t
    full join counts c on c.siae_type = t.code
)
select * from final order by type_rank, siae_type nulls last

-- Indicators by région over the period: structures active at the end of the period whose territory covers
-- the région, projects located there (detections by year of detection, creations_year_n by year of
-- creation; creations_n: same figure, former name). A structure covering two régions counts in both.
-- grain: one row per région with a structure or a project
-- params: $year_from, $year_to, $regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages
-- disclosure: aggregate
with structures_in as (
    select sd.reg_code, count(distinct s.structure_id) as structures_n
    from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    join structure_departments sd using (structure_id)
    where is_active(s.joined_year, s.exit_year, $year_to)
      and ($regs is null or list_contains($regs, sd.reg_code))
      and ($deps is null or list_contains($deps, sd.dep_code))
    group by sd.reg_code
),
projects_in as (
    select reg_code,
           count(*) filter (where detected_year between $year_from and $year_to) as detections_n,
           count(*) filter (where created_year between $year_from and $year_to) as creations_n,
           sum(jobs_etp) filter (where created_year between $year_from and $year_to) as jobs_etp
    from scoped_projects($regs, $deps, $structure_ids, $status, $iae, $siae_types, $zonages, $stages, $year_to)
    group by reg_code
)
select r.reg_code, r.reg_name,
       coalesce(s.structures_n, 0) as structures_n,
       coalesce(p.detections_n, 0) as detections_n,
       coalesce(p.creations_n, 0) as creations_n,
       coalesce(p.jobs_etp, 0) as jobs_etp,
       coalesce(p.creations_n, 0) as creations_year_n
from regions r
left join structures_in s using (reg_code)
left join projects_in p using (reg_code)
where s.structures_n > 0 or p.detections_n > 0 or p.creations_n > 0
order by strip_accents(lower(r.reg_name)), r.reg_code

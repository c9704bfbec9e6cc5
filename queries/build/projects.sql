-- Projects followed by the structures, from detection to creation or abandonment.
-- lon, lat: optional WGS84 point of the project (places it in its QPV at build time).
-- grain: one row per project_id
select project_id, structure_id, title, sector, insee_code, qpv_code, stage, abandon_stage,
       cast(detected_on as date) as detected_on, cast(study_on as date) as study_on,
       cast(created_on as date) as created_on, cast(abandoned_on as date) as abandoned_on,
       abandon_reason, cast(is_iae as boolean) as is_iae, siae_type,
       cast(jobs_etp as double) as jobs_etp, cast(insertion_jobs_etp as double) as insertion_jobs_etp,
       programme, cast(lon as double) as lon, cast(lat as double) as lat
from src_projects
order by project_id

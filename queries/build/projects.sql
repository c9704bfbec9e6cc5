-- Projects followed by the structures, from detection to creation or abandonment.
-- lon, lat: optional WGS84 point of the project. When given, the build finds the QPV whose polygon
-- contains it (qpv_located, added by fabrique/qpv_locate.py) and that code wins: qpv_code is the final
-- code, qpv_code_typed the code as typed, qpv_source where qpv_code comes from ('coordonnées', 'saisi',
-- null when the project has no QPV).
-- grain: one row per project_id
select project_id, structure_id, title, sector, insee_code,
       case when lon is not null and lat is not null then cast(qpv_located as varchar) else qpv_code end
           as qpv_code,
       qpv_code as qpv_code_typed,
       case when lon is not null and lat is not null
                then case when qpv_located is not null then 'coordonnées' end
            when qpv_code is not null then 'saisi' end as qpv_source,
       stage, abandon_stage,
       cast(detected_on as date) as detected_on, cast(study_on as date) as study_on,
       cast(created_on as date) as created_on, cast(abandoned_on as date) as abandoned_on,
       abandon_reason, cast(is_iae as boolean) as is_iae, siae_type,
       cast(jobs_etp as double) as jobs_etp, cast(insertion_jobs_etp as double) as insertion_jobs_etp,
       programme, cast(lon as double) as lon, cast(lat as double) as lat
from src_projects
order by project_id

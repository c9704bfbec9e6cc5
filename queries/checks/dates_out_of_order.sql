-- Projects whose dates contradict the pipeline: study or creation before detection, creation
-- before study, abandonment before detection.
-- grain: one row per offending project
select project_id, detected_on, study_on, created_on, abandoned_on
from projects
where study_on < detected_on or created_on < detected_on or created_on < study_on
   or abandoned_on < detected_on

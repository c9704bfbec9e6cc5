-- IAE consistency: a SIAE type on a non-IAE project, or an IAE project with no SIAE type.
-- grain: one row per offending project
select project_id, is_iae, siae_type
from projects
where (not is_iae and siae_type is not null) or (is_iae and siae_type is null)

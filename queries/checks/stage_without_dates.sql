-- Stage consistency: created projects need a creation date; abandoned ones a date, a stage and a reason.
-- grain: one row per offending project
select project_id, stage
from projects
where (stage = 'créé' and created_on is null)
   or (stage = 'abandonné' and (abandoned_on is null or abandon_stage is null or abandon_reason is null))
   or (stage <> 'créé' and created_on is not null)

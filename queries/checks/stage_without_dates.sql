-- Stage consistency: created projects need a creation date; abandoned ones a date, a stage and a reason.
-- Stages are matched by code (stage_order, from the vocabulary), not by a typed label.
-- grain: one row per offending project
select p.project_id, p.stage
from projects p
left join stage_order o on o.stage = p.stage
where (o.code = 'cree' and p.created_on is null)
   or (o.code = 'abandon' and (p.abandoned_on is null or p.abandon_stage is null or p.abandon_reason is null))
   or (o.code <> 'cree' and p.created_on is not null)

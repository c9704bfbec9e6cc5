-- Zonings declared in vocab_zonings whose project_facts column does not exist (the `zonage` filter would
-- silently keep nothing for them).
-- grain: one row per offending zoning
select z.code, z."column"
from vocab_zonings z
where z."column" not in (select column_name from information_schema.columns where table_name = 'project_facts')

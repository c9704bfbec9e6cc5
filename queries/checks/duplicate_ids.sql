-- Identifiers used more than once (structures, projects, activity years).
-- grain: one row per duplicated key
select 'structures' as "table", structure_id as id, count(*) as n from structures group by structure_id having count(*) > 1
union all
select 'projects', project_id, count(*) from projects group by project_id having count(*) > 1
union all
select 'annual_activity', structure_id || '/' || year, count(*) from annual_activity group by structure_id, year having count(*) > 1

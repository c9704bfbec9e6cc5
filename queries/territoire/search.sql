-- Territories whose name or code matches a search text, best first. match_rank: 0 exact code, 1 exact
-- name, 2 name starting with the text, 3 a word of the name starting with it, 4 name containing it,
-- 5 every word typed starts a word of the name or is its département code, 6 every word typed is in the
-- name or is its département code (5 and 6 need at least one word found in the name). Order: exact code,
-- exact name, then ranks 2-4 together, then 5-6; within each, level order ($levels: région first), then
-- match_rank, then larger population, then name.
-- $text and $tokens are normalised by fabrique.territory.normalize (the same rule as name_norm);
-- $code is the text as typed, upper case.
-- grain: one row per matching territory, at most $limit
-- disclosure: aggregate
-- params: $text, $tokens, $code, $levels, $limit
with scored as (
    select t.*,
           case
               when t.code = $code then 0
               when t.name_norm = $text then 1
               when starts_with(t.name_norm, $text) then 2
               when contains(' ' || t.name_norm, ' ' || $text) then 3
               when contains(t.name_norm, $text) then 4
               when not list_bool_or(list_transform($tokens, lambda w: contains(t.name_norm, w))) then null
               when list_bool_and(list_transform($tokens, lambda w:
                        contains(' ' || t.name_norm, ' ' || w) or w = lower(t.dep_code))) then 5
               when list_bool_and(list_transform($tokens, lambda w:
                        contains(t.name_norm, w) or w = lower(t.dep_code))) then 6
           end as match_rank
    from territories t
),
final as (
    select s.level, s.code, s.name, s.reg_code, r.reg_name, s.dep_code, d.dep_name, s.dep_codes, s.population,
           s.communes_n, s.match_rank,
           case when s.match_rank <= 1 then s.match_rank when s.match_rank <= 4 then 2 else 3 end as match_tier,
           list_position($levels, s.level) as level_rank
    from scored s
    left join regions r on r.reg_code = s.reg_code
    left join departments d on d.dep_code = s.dep_code
    where s.match_rank is not null
)
select * from final
order by match_tier, level_rank, match_rank, population desc nulls last, name, code
limit $limit

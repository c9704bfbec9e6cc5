-- Identity card of one structure: status today, years of entry, appellation and exit (exit_year: last
-- year in the network, null: still in it), seat, and its territory in words ('Finistère (29), Morbihan
-- (56)' and the régions).
-- grain: one row (none when $structure_id is unknown)
-- params: $structure_id
-- disclosure: aggregate
with territory as (
    select string_agg(d.dep_name || ' (' || sd.dep_code || ')', ', ' order by sd.dep_code) as departments,
           string_agg(distinct r.reg_name, ', ' order by r.reg_name) as regions
    from structure_departments sd
    left join departments d using (dep_code)
    left join regions r on r.reg_code = sd.reg_code
    where sd.structure_id = $structure_id
),
final as (
    select s.structure_id, s.name, s.status, s.joined_year, s.appellation_year,
           s.commune_name, s.dep_code, d.dep_name, r.reg_name,
           coalesce(t.departments, 'non renseigné') as departments, coalesce(t.regions, '') as regions,
           s.exit_year
    from structures s
    left join departments d using (dep_code)
    left join regions r on r.reg_code = s.reg_code
    cross join territory t
    where s.structure_id = $structure_id
)
select * from final

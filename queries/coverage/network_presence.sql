-- Network presence: for each département (or EPCI) of the selected régions / départements, whether at
-- least one structure active at the end of the period ($year_to: joined by then and not left before)
-- works there, and the ratio over all of them (present_n / territories_n, repeated on every row).
-- A structure works in the départements of its territory (structure_departments); an EPCI counts as
-- worked when at least one of its communes lies in such a département (an EPCI across a border counts
-- when either side is covered). The structure filters apply (région, département, structure, status at the
-- end of the period). EPCI: the 1,255 EPCI à fiscalité propre (the four island communes outside any EPCI
-- are not counted); lon, lat: their population-weighted centroid.
-- grain: one row per territory of $level ('dep': département, 'epci': EPCI)
-- params: $level, $year_to, $regs, $deps, $structure_ids, $status
-- EPCI rows carry no project count (structures are public): nothing to mask.
-- disclosure: aggregate
with active as (
    select s.structure_id, s.name
    from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    where is_active(s.joined_year, s.exit_year, $year_to)
),
territory_deps as (
    -- the départements each territory lies in, within the selected régions / départements
    select d.dep_code as code, d.dep_code
    from departments d
    where $level = 'dep'
    union all
    select distinct c.epci_siren, c.dep_code
    from communes c
    where $level = 'epci' and c.epci_siren is not null
),
selected as (
    select td.code, td.dep_code
    from territory_deps td
    join departments d using (dep_code)
    where ($regs is null or list_contains($regs, d.reg_code))
      and ($deps is null or list_contains($deps, d.dep_code))
),
presence as (
    select t.code,
           count(distinct a.structure_id) as structures_n,
           string_agg(distinct a.name, ', ' order by a.name) as structure_names
    from (select distinct code from selected) t
    left join territory_deps td using (code)
    left join structure_departments sd on sd.dep_code = td.dep_code
    left join active a on a.structure_id = sd.structure_id
    group by t.code
),
named as (
    select d.dep_code as code, d.dep_name as name, d.dep_code, d.reg_code, null::double as lon, null::double as lat
    from departments d
    where $level = 'dep'
    union all
    select e.epci_siren, e.epci_name, e.dep_code, e.reg_code, e.lon, e.lat
    from epci e
    where $level = 'epci'
),
final as (
    select n.code, n.name, n.dep_code, n.reg_code, n.lon, n.lat,
           p.structures_n > 0 as is_present,
           p.structures_n, p.structure_names,
           count(*) filter (where p.structures_n > 0) over () as present_n,
           count(*) over () as territories_n,
           count(*) filter (where p.structures_n > 0) over () / count(*) over () as presence_pct
    from presence p
    join named n using (code)
)
select * from final
order by dep_code, name, code

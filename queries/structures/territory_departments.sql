-- Départements covered by the territory of at least one structure in scope active at the end of the
-- period (network presence), within the selected régions and départements.
-- grain: one row per dep_code covered
-- params: $year_to, $regs, $deps, $structure_ids, $status
-- disclosure: aggregate
with covered as (
    select sd.dep_code, count(*) as structures_n, string_agg(s.name, ', ' order by s.name) as structure_names
    from scoped_structures($regs, $deps, $structure_ids, $status, $year_to) s
    join structure_departments sd using (structure_id)
    where is_active(s.joined_year, s.exit_year, $year_to)
      and ($regs is null or list_contains($regs, sd.reg_code))
      and ($deps is null or list_contains($deps, sd.dep_code))
    group by sd.dep_code
),
final as (
    select c.dep_code, d.dep_name, r.reg_name, c.structures_n, c.structure_names,
           d.dep_name || ' (' || c.dep_code || ') : ' || c.structure_names as label
    from covered c
    join departments d using (dep_code)
    left join regions r on r.reg_code = d.reg_code
)
select * from final order by dep_code

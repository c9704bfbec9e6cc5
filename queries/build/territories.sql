-- Every région, département, EPCI and commune, for the territory search and the sheet's identity:
-- name, name_norm (lower case, no accents, œ/æ spelt oe/ae, every run of other characters one space:
-- fabrique.territory.normalize does the same to the typed text, and a test checks that they agree),
-- parent codes, the départements it lies in, municipal population and number of communes (summed over
-- its communes, so that every level adds up the same way). An EPCI's dep_code is its main département.
-- grain: one row per (level, code); level 'reg', 'dep', 'epci', 'commune' (fabrique.vocab.LEVELS)
with by_reg as (
    select reg_code as code, cast(sum(population) as bigint) as population, count(*) as communes_n,
           list(distinct dep_code order by dep_code) as dep_codes
    from communes
    group by reg_code
),
by_dep as (
    select dep_code as code, cast(sum(population) as bigint) as population, count(*) as communes_n
    from communes
    group by dep_code
),
by_epci as (
    select epci_siren as code, cast(sum(population) as bigint) as population, count(*) as communes_n,
           list(distinct dep_code order by dep_code) as dep_codes
    from communes
    where epci_siren is not null
    group by epci_siren
),
levels as (
    select 'reg' as level, r.reg_code as code, r.reg_name as name,
           r.reg_code, null::varchar as dep_code, null::varchar as epci_siren, g.dep_codes,
           g.population, g.communes_n
    from regions r
    join by_reg g on g.code = r.reg_code
    union all
    select 'dep', d.dep_code, d.dep_name, d.reg_code, d.dep_code, null, [d.dep_code], g.population, g.communes_n
    from departments d
    join by_dep g on g.code = d.dep_code
    union all
    select 'epci', e.epci_siren, e.epci_name, e.reg_code, e.dep_code, e.epci_siren, g.dep_codes,
           g.population, g.communes_n
    from epci e
    join by_epci g on g.code = e.epci_siren
    union all
    select 'commune', c.insee_code, c.commune_name, c.reg_code, c.dep_code, c.epci_siren, [c.dep_code],
           cast(c.population as bigint), 1
    from communes c
),
final as (
    select level, code, name,
           trim(regexp_replace(strip_accents(replace(replace(lower(name), 'œ', 'oe'), 'æ', 'ae')),
                               '[^a-z0-9]+', ' ', 'g')) as name_norm,
           reg_code, dep_code, epci_siren, dep_codes, population, communes_n
    from levels
)
select * from final
order by level, code

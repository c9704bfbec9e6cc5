-- Communes under each contrat de ville 2024-2030. No open list of signatories exists: the usual proxy is
-- "the unit that holds a QPV signs one". The unit is the commune's EPCI, except in the Métropole du Grand
-- Paris where it is the EPT, or Paris (ept_communes). has_qpv: the commune itself has a QPV.
-- grain: one row per insee_code (a commune is under at most one contrat de ville)
with units as (
    select c.insee_code,
           coalesce(e.unit_id, c.epci_siren) as contract_id,
           coalesce(e.unit_kind, 'epci') as contract_kind,
           coalesce(e.unit_name, x.epci_name) as contract_name
    from communes c
    left join ept_communes e using (insee_code)
    left join epci x on x.epci_siren = c.epci_siren
    where coalesce(e.unit_id, c.epci_siren) is not null
),
final as (
    select u.contract_id, u.contract_kind, u.contract_name, u.insee_code,
           u.insee_code in (select q.insee_code from qpv_communes q) as has_qpv
    from units u
    where u.contract_id in (select h.contract_id from units h
                            where h.insee_code in (select q.insee_code from qpv_communes q))
)
select * from final
order by contract_id, insee_code

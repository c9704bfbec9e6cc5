-- EPCI with at least one QPV commune: the usual proxy for a contrat de ville 2024-2030.
-- grain: one row per epci_siren
select distinct c.epci_siren
from qpv_communes q
join communes c using (insee_code)
where c.epci_siren is not null
order by c.epci_siren

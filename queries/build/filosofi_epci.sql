-- INSEE Filosofi 2021 by EPCI: median disposable income per consumption unit (€ per year), poverty rate at
-- 60 % of the median (a ratio: 14,5 % -> 0.145), interdecile ratio D9/D1, households and persons.
-- No row for the EPCI of Guadeloupe, Guyane and Mayotte.
-- grain: one row per epci_siren
select codgeo as epci_siren, revenu_median as median_income, taux_pauvrete / 100.0 as poverty_rate_pct,
       rapport_interdecile as interdecile_ratio, decile1 as decile1_income, decile9 as decile9_income,
       nb_menages as households_n, nb_personnes as persons_n
from src_filosofi_2021_epci
where codgeo in (select epci_siren from epci)
order by epci_siren

-- INSEE Filosofi 2021 by commune: median disposable income per consumption unit (€ per year) for 31,212
-- communes; poverty rate (a ratio), interdecile ratio and deciles only where not covered by statistical
-- secrecy (poverty rate for 4,354 communes); null means secret. Communes with no row are not published.
-- grain: one row per insee_code
select codgeo as insee_code, revenu_median as median_income, taux_pauvrete / 100.0 as poverty_rate_pct,
       rapport_interdecile as interdecile_ratio, decile1 as decile1_income, decile9 as decile9_income,
       nb_menages as households_n, nb_personnes as persons_n
from src_filosofi_2021_communes
where codgeo in (select insee_code from communes)
order by insee_code

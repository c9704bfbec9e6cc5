-- Localised unemployment rate (INSEE, ILO definition, seasonally adjusted) of the zones d'emploi 2020,
-- by quarter, 2003-T1 to 2023-T3 (302 zones; none for Guyane and Mayotte); rate_pct is a ratio.
-- grain: one row per (ze_code, year, quarter)
select ze2020 as ze_code, libze2020 as ze_name,
       cast(left(trimestre, 4) as integer) as year,
       cast(right(trimestre, 1) as integer) as quarter,
       taux_chomage_cvs / 100.0 as rate_pct
from src_chomage_zones_emploi_2003T1_2023T3
order by ze_code, year, quarter

-- People employed in insertion structures (SIAE) per département at the end of each month, 2017-01 to
-- 2022-09 (ASP, Pacte d'ambition IAE; EITI and GEIQ counted from 2021: a break in the series).
-- grain: one row per (dep_code, month)
select s.code_dep as dep_code, cast(s.date as date) as month, s.nb_beneficiaires_siae as employees_n
from src_iae_salaries_siae_departements_2017_2022 s
where s.code_dep in (select dep_code from departments)
order by dep_code, month

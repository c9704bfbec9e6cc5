-- The 34,875 communes of the COG 2026 with population, centroid, INSEE density grid and FRR zoning.
-- is_rural: density levels 5-7 ("peu dense", "très peu dense"). is_frr: classified France ruralités revitalisation.
-- grain: one row per insee_code
select c.insee_code, c.commune_name, c.dep_code, c.reg_code, c.epci_siren,
       c.population_municipale as population, c.lon, c.lat,
       g.density_code_7 as density_class, g.density_label_7 as density_label,
       coalesce(g.is_rural = 'True', false) as is_rural,
       coalesce(f.frr_classee = 'True', false) as is_frr,
       c.zone
from src_communes c
left join src_grille_densite_communes g using (insee_code)
left join src_frr_communes f using (insee_code)
where c.zone <> 'com'
order by c.insee_code

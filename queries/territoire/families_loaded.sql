-- How many zones of each family of contracts and zonings exist in the whole country (zoning_communes):
-- a family with none (LEADER until a GAL file is imported) reads « non renseigné » on a sheet, not « aucun ».
-- grain: one row per family present
-- disclosure: aggregate
-- params: none
select family, count(distinct zone_id) as zones_n
from zoning_communes
group by family
order by family

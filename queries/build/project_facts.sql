-- Projects with their geography and zoning flags, denormalised once at build time so that every
-- page filters one table. in_qpv: located in a QPV (qpv_code: found from the coordinates when given,
-- else typed; qpv_source says which); in_qpv_commune: its commune has a
-- QPV (not the same: a project in such a commune is not necessarily in the quartier); in_contrat_ville:
-- the commune is under a contrat de ville (contrat_ville_communes: EPCI, or EPT / Paris in the Métropole
-- du Grand Paris, holding a QPV); in_ruralite: the commune is in a CRTE à dominante rurale; in_crte: in
-- any CRTE (nearly every commune: says nothing about rurality). stage_code: the stage's code (vocab);
-- reached_rank: the furthest step reached (current stage, or the stage at which the project was
-- abandoned; stage_order); months_to_creation: detection to creation.
-- structure_status is the structure's status today; filters use its status at the end of the period.
-- grain: one row per project_id
with crte_members as (select distinct insee_code from crte_communes),
gal_members as (select distinct insee_code from leader_communes),
qpv_members as (select distinct insee_code from qpv_communes),
ruralite_members as (select distinct insee_code from contract_communes where family = 'ruralite')
select p.project_id, p.structure_id, s.status as structure_status, p.title, p.sector,
       p.insee_code, c.commune_name, c.dep_code, c.reg_code, c.epci_siren, c.population,
       p.qpv_code, p.qpv_code_typed, p.qpv_source,
       p.qpv_code is not null as in_qpv,
       p.insee_code in (select insee_code from qpv_members) as in_qpv_commune,
       c.is_rural, c.is_frr,
       p.insee_code in (select insee_code from pvd_communes) as is_pvd,
       p.insee_code in (select insee_code from acv_communes) as is_acv,
       p.insee_code in (select insee_code from crte_members) as in_crte,
       p.insee_code in (select insee_code from ruralite_members) as in_ruralite,
       p.insee_code in (select insee_code from gal_members) as in_gal,
       v.contract_id is not null as in_contrat_ville,
       v.contract_id as contrat_ville_id,
       p.stage, cur.code as stage_code, p.abandon_stage, r.stage_rank as reached_rank,
       not cur.is_step as is_abandoned,
       cur.code = 'cree' as is_created,
       p.detected_on, year(p.detected_on) as detected_year,
       p.study_on, year(p.study_on) as study_year,
       p.created_on, year(p.created_on) as created_year,
       date_diff('day', p.detected_on, p.created_on) / 30.4375 as months_to_creation,
       p.abandoned_on, year(p.abandoned_on) as abandoned_year,
       p.abandon_reason, p.is_iae, p.siae_type, p.jobs_etp, p.insertion_jobs_etp, p.programme,
       p.lon, p.lat
from projects p
left join communes c using (insee_code)
left join structures s using (structure_id)
left join contrat_ville_communes v using (insee_code)
left join stage_order cur on cur.stage = p.stage
left join stage_order r
  on r.stage = case when not cur.is_step then p.abandon_stage else p.stage end
order by p.project_id

-- The contracts each project reaches, matched once at build time (contract_keys) so that coverage queries
-- join on project_id instead of repeating the matching rules: via 'own' is the contract's rule (the
-- project's QPV code, in one of the contract's communes for a contrat de ville; or the project's commune);
-- via 'qpv_commune' is the looser contrat de ville figure (a commune of the contract that has a QPV).
-- grain: one row per (project_id, family, contract_id, via)
with matched as (
    select p.project_id, k.family, k.contract_id, 'own' as via
    from project_facts p
    join contract_keys k on k.key_kind = 'qpv' and k.key = p.qpv_code
                         and (k.insee_code is null or k.insee_code = p.insee_code)
    union all
    select p.project_id, k.family, k.contract_id,
           case k.key_kind when 'qpv_commune' then 'qpv_commune' else 'own' end
    from project_facts p
    join contract_keys k on k.key_kind <> 'qpv' and k.key = p.insee_code
)
select distinct project_id, family, contract_id, via
from matched
order by project_id, family, contract_id, via

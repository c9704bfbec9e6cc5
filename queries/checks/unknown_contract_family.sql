-- Contract families built in SQL but not declared in vocab_contract_families (or the reverse for the
-- families that always have contracts; LEADER is empty until GAL perimeters are loaded).
-- grain: one row per offending family code
select distinct family, 'absent du vocabulaire' as problem
from contracts
where family not in (select code from vocab_contract_families)
union all
select code, 'aucun contrat construit'
from vocab_contract_families
where code <> 'leader' and code not in (select family from contracts)

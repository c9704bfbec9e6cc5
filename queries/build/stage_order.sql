-- The stages of a project in their order, from the one declaration (fabrique/vocab.py STAGES, registered
-- as vocab_stages); "abandonné" is an exit, not a step. Queries compare stages through stage_rank, found
-- by code (macro stage_rank), never through a typed rank.
-- grain: one row per stage
select rank as stage_rank, label as stage, is_step, code
from vocab_stages
order by rank

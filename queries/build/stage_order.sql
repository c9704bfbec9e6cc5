-- The stages of a project in their order (schema.STAGES); "abandonné" is an exit, not a step.
-- grain: one row per stage
select * from (values
    (1, 'détection', true), (2, 'séance de créativité', true), (3, 'étude d''opportunité', true),
    (4, 'recherche de porteur', true), (5, 'amorçage', true), (6, 'créé', true), (7, 'abandonné', false)
) as t(stage_rank, stage, is_step)

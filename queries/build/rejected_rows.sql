-- Rows refused by a partial import, with every problem found (nothing is dropped silently).
-- grain: one row per rejected input row
select sheet, cast("row" as integer) as "row", "values", problems
from src_rejected_rows
order by sheet, "row"

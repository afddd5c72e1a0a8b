-- A cached figure re-reads only the units whose shard moved.
--
-- A figure's key is per year and unit shard (`target_year_shards`, migration `figure_years`):
-- when only some shards moved since a figure was computed, and the target's row and the tree
-- did not, the figure re-reads the values of those shards' units and keeps the others'. Two
-- things make that exact and quick:
--
-- - an update of a value moves the shards of its rows before and after (until now only the
--   rows after), so a value moved to another target, year or unit leaves no figure standing;
-- - the values of one shard of a target are found by an index on the shard's expression, the
--   one the reads write (`unit_id % 32`).


CREATE OR REPLACE FUNCTION trienkhai_move_unit_shards_of_update() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s BIGINT;
BEGIN
    FOR s IN SELECT DISTINCT unit_id % 32 FROM
        (SELECT unit_id FROM changed UNION SELECT unit_id FROM replaced) u ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(730126, CAST(s AS INTEGER));
    END LOOP;
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT c.target_id, CAST(substr(c.period_start, 1, 4) AS BIGINT), c.unit_id % 32, COUNT(*)
        FROM (SELECT target_id, period_start, unit_id FROM changed
              UNION ALL SELECT target_id, period_start, unit_id FROM replaced) c
        JOIN targets t ON t.id = c.target_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = target_year_shards.n + excluded.n;
    RETURN NULL;
END;
$$;

DROP TRIGGER actuals_update_figures ON actuals;
CREATE TRIGGER actuals_update_figures AFTER UPDATE ON actuals
    REFERENCING OLD TABLE AS replaced NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards_of_update();

-- It replaces the roll-up's index: the same columns, the shard second. A second covering index
-- slowed every write of a value (the deadline spike took 27 s instead of 21) and one that does
-- not cover made a shard's thousand rows as many lookups (B2 on a year 2.8 → 6.2 ms); a read of
-- every unit names the 32 shards and is 32 ranges of this one (as quick as the one range was).
DROP INDEX actuals_rollup;
CREATE INDEX actuals_shard ON actuals(target_id, (unit_id % 32), period_start, period_end, unit_id, report_id, packed);

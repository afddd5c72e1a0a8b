-- A cached figure re-reads only the units whose shard moved.
--
-- A figure's key is per year and unit shard (`target_year_shards`, migration `figure_years`):
-- when only some shards moved since a figure was computed, and the target's row and the tree
-- did not, the figure re-reads the values of those shards' units and keeps the others'. Two
-- things make that exact and quick:
--
-- - an update of a value that moves it to another target, year or unit shard moves the old
--   shard as well as the new one (until now only a change of year did);
-- - the values of one shard of a target are found by an index on the shard's expression, the
--   one the reads write (`unit_id % 32`).


DROP TRIGGER actuals_update_figures;
CREATE TRIGGER actuals_update_figures AFTER UPDATE ON actuals BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT id, CAST(substr(NEW.period_start, 1, 4) AS INTEGER), NEW.unit_id % 32, 1
        FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT id, CAST(substr(OLD.period_start, 1, 4) AS INTEGER), OLD.unit_id % 32, 1
        FROM targets WHERE id = OLD.target_id
            AND (OLD.target_id <> NEW.target_id
                OR substr(OLD.period_start, 1, 4) <> substr(NEW.period_start, 1, 4)
                OR OLD.unit_id % 32 <> NEW.unit_id % 32)
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;

-- It replaces the roll-up's index: the same columns, the shard second. A second covering index
-- slowed every write of a value (the deadline spike took 27 s instead of 21) and one that does
-- not cover made a shard's thousand rows as many lookups (B2 on a year 2.8 → 6.2 ms); a read of
-- every unit names the 32 shards and is 32 ranges of this one (as quick as the one range was).
DROP INDEX actuals_rollup;
CREATE INDEX actuals_shard ON actuals(target_id, (unit_id % 32), period_start, period_end, unit_id, report_id, packed);

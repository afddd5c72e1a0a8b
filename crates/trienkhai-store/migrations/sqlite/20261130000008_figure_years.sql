-- A target's reported values move the key of their own year only.
--
-- Until now any value of a target moved the one values version of that target, so a report for
-- February 2022 made every cached figure of the target stale: June 2021's and the 2020..2025
-- term's alike. A figure for a period reads only the values whose period lies within it
-- (`period_start` in the period, `period_end` not after it), so the values are now counted per
-- target, year of `period_start` and unit shard (`target_year_shards`), and a figure's key sums
-- the years its period spans: a value of another year never moves it.
--
-- Quotas and the plan's own values are read whole by every figure of the target: a write to them
-- moves the target's row (`targets.values_version`), as a change of its definition does.

CREATE TABLE target_year_shards (
    target_id INTEGER NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    year INTEGER NOT NULL,
    shard INTEGER NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (target_id, year, shard)
);

-- Announced like every table (its writes happen with those of the values that move it).
CREATE TRIGGER target_year_shards_insert_changes AFTER INSERT ON target_year_shards BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_year_shards_update_changes AFTER UPDATE ON target_year_shards BEGIN UPDATE change_epoch SET n = n + 1; END;
CREATE TRIGGER target_year_shards_delete_changes AFTER DELETE ON target_year_shards BEGIN UPDATE change_epoch SET n = n + 1; END;

DROP TRIGGER actuals_insert_figures;
DROP TRIGGER actuals_update_figures;
DROP TRIGGER actuals_delete_figures;
DROP TRIGGER quotas_insert_figures;
DROP TRIGGER quotas_update_figures;
DROP TRIGGER quotas_delete_figures;
DROP TRIGGER reports_insert_figures;
DROP TRIGGER reports_update_figures;
DROP TRIGGER reports_delete_figures;
DROP TABLE target_value_shards;

CREATE TRIGGER actuals_insert_figures AFTER INSERT ON actuals BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT id, CAST(substr(NEW.period_start, 1, 4) AS INTEGER), NEW.unit_id % 32, 1
        FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER actuals_update_figures AFTER UPDATE ON actuals BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT id, CAST(substr(NEW.period_start, 1, 4) AS INTEGER), NEW.unit_id % 32, 1
        FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT id, CAST(substr(OLD.period_start, 1, 4) AS INTEGER), OLD.unit_id % 32, 1
        FROM targets WHERE id = OLD.target_id
            AND substr(OLD.period_start, 1, 4) <> substr(NEW.period_start, 1, 4)
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER actuals_delete_figures AFTER DELETE ON actuals BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT id, CAST(substr(OLD.period_start, 1, 4) AS INTEGER), OLD.unit_id % 32, 1
        FROM targets WHERE id = OLD.target_id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER quotas_insert_figures AFTER INSERT ON quotas BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = NEW.target_id;
END;
CREATE TRIGGER quotas_update_figures AFTER UPDATE ON quotas BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = NEW.target_id;
END;
CREATE TRIGGER quotas_delete_figures AFTER DELETE ON quotas BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = OLD.target_id;
END;

CREATE TRIGGER reports_insert_figures AFTER INSERT ON reports BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT DISTINCT target_id, CAST(substr(period_start, 1, 4) AS INTEGER), unit_id % 32, 1
        FROM actuals WHERE report_id = NEW.id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;
-- A report's values count or not by its state (and, as of a past day, by when it was
-- submitted and reviewed); saving its draft moves only the values it writes.
CREATE TRIGGER reports_update_figures AFTER UPDATE ON reports
WHEN OLD.state IS NOT NEW.state OR OLD.submitted_at IS NOT NEW.submitted_at
    OR OLD.reviewed_at IS NOT NEW.reviewed_at BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT DISTINCT target_id, CAST(substr(period_start, 1, 4) AS INTEGER), unit_id % 32, 1
        FROM actuals WHERE report_id = NEW.id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER reports_delete_figures AFTER DELETE ON reports BEGIN
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT DISTINCT target_id, CAST(substr(period_start, 1, 4) AS INTEGER), unit_id % 32, 1
        FROM actuals WHERE report_id = OLD.id
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = n + 1;
END;

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
-- moves the target's row (`targets.values_version`), as a change of its definition does. The
-- shard locks of migration `figure_versions` stay as they were.

CREATE TABLE target_year_shards (
    target_id BIGINT NOT NULL REFERENCES targets(id) ON DELETE CASCADE,
    year BIGINT NOT NULL,
    shard BIGINT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (target_id, year, shard)
);

-- Announced like every table (its writes happen with those of the values that move it).
CREATE TRIGGER target_year_shards_changes AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON target_year_shards
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_notify_change();

CREATE OR REPLACE FUNCTION trienkhai_move_unit_shards() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s BIGINT;
BEGIN
    FOR s IN SELECT DISTINCT unit_id % 32 FROM changed ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(730126, CAST(s AS INTEGER));
    END LOOP;
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT c.target_id, CAST(substr(c.period_start, 1, 4) AS BIGINT), c.unit_id % 32, COUNT(*)
        FROM changed c JOIN targets t ON t.id = c.target_id
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = target_year_shards.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE OR REPLACE FUNCTION trienkhai_move_report_shards() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM pg_advisory_xact_lock(730126, CAST(r.unit_id % 32 AS INTEGER));
    INSERT INTO target_year_shards (target_id, year, shard, n)
        SELECT DISTINCT a.target_id, CAST(substr(a.period_start, 1, 4) AS BIGINT), a.unit_id % 32, 1
        FROM actuals a JOIN targets t ON t.id = a.target_id WHERE a.report_id = r.id
        ORDER BY 1, 2, 3
        ON CONFLICT (target_id, year, shard) DO UPDATE SET n = target_year_shards.n + 1;
    RETURN NULL;
END;
$$;

-- Quotas: the targets of the rows a statement wrote, in id order.
CREATE FUNCTION trienkhai_move_targets_of_rows() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE targets SET values_version = values_version + 1
        WHERE id IN (SELECT DISTINCT target_id FROM changed ORDER BY 1);
    RETURN NULL;
END;
$$;

DROP TRIGGER quotas_insert_figures ON quotas;
DROP TRIGGER quotas_update_figures ON quotas;
DROP TRIGGER quotas_delete_figures ON quotas;
CREATE TRIGGER quotas_insert_figures AFTER INSERT ON quotas REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_targets_of_rows();
CREATE TRIGGER quotas_update_figures AFTER UPDATE ON quotas REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_targets_of_rows();
CREATE TRIGGER quotas_delete_figures AFTER DELETE ON quotas REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_targets_of_rows();

DROP TABLE target_value_shards;

-- The keys of cached figures are moved by the database, in the writing transaction.
--
-- A cached roll-up is valid for its target's values version and the tree generation. Those
-- counters used to be moved by the store functions that wrote, each remembering to; a new write
-- path could forget, and the figure would be served stale. Now every table a figure is read
-- from moves them itself (the triggers named `*_figures`), whoever writes:
--
-- - a unit's value or quota       → the target's shard of that unit (`target_value_shards`);
-- - a plan's own value, the target's definition, the document's issuer, which report states
--   count                         → the target's row (`targets.values_version`);
-- - a named weight                → every weighted mean using it;
-- - a report's state              → the shards of the values it carries;
-- - a unit version (the tree)     → `org_generation`.
--
-- Values, quotas and reports are written by many units at once on a deadline day. Their
-- triggers are per statement (an import of 300 values moves each shard once) and take first a
-- transaction lock on each shard they move, in shard order: a report writes one unit's values,
-- so two reports of units sharing a shard wait for each other's commit instead of locking the
-- same target rows in different orders and deadlocking; units on different shards never meet.

-- The rule for a new table: if a cached figure reads it, it gets `*_figures` triggers moving
-- the keys of the figures it feeds (`FIGURE_SOURCES` in the store lists them; a conformance
-- test checks the list against what the roll-up reads on PostgreSQL).

-- Shard locks are advisory locks in their own key space (730126, shard).
CREATE FUNCTION trienkhai_move_unit_shards() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s BIGINT;
BEGIN
    FOR s IN SELECT DISTINCT unit_id % 32 FROM changed ORDER BY 1 LOOP
        PERFORM pg_advisory_xact_lock(730126, CAST(s AS INTEGER));
    END LOOP;
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT c.target_id, c.unit_id % 32, COUNT(*) FROM changed c
        JOIN targets t ON t.id = c.target_id
        GROUP BY 1, 2 ORDER BY 1, 2
        ON CONFLICT (target_id, shard) DO UPDATE SET n = target_value_shards.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE FUNCTION trienkhai_move_report_shards() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    PERFORM pg_advisory_xact_lock(730126, CAST(r.unit_id % 32 AS INTEGER));
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT DISTINCT a.target_id, a.unit_id % 32, 1 FROM actuals a
        JOIN targets t ON t.id = a.target_id WHERE a.report_id = r.id
        ORDER BY 1, 2
        ON CONFLICT (target_id, shard) DO UPDATE SET n = target_value_shards.n + 1;
    RETURN NULL;
END;
$$;

CREATE FUNCTION trienkhai_move_target_of_value() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE targets SET values_version = values_version + 1 WHERE id = OLD.target_id;
    ELSE
        UPDATE targets SET values_version = values_version + 1 WHERE id = NEW.target_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION trienkhai_move_target_definition() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.values_version = OLD.values_version THEN
        NEW.values_version := OLD.values_version + 1;
    END IF;
    RETURN NEW;
END;
$$;

CREATE FUNCTION trienkhai_move_targets_of_document() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        UPDATE targets SET values_version = values_version + 1 WHERE document_id = OLD.document_id;
    ELSIF TG_TABLE_NAME = 'documents' THEN
        UPDATE targets SET values_version = values_version + 1 WHERE document_id = NEW.id;
    ELSE
        UPDATE targets SET values_version = values_version + 1 WHERE document_id = NEW.document_id;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION trienkhai_move_weighted_means() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE targets SET values_version = values_version + 1 WHERE aggregation = 'weighted_mean:' || OLD.name;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        UPDATE targets SET values_version = values_version + 1 WHERE aggregation = 'weighted_mean:' || NEW.name;
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION trienkhai_move_tree() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE org_generation SET value = value + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER actuals_insert_figures AFTER INSERT ON actuals REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards();
CREATE TRIGGER actuals_update_figures AFTER UPDATE ON actuals REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards();
CREATE TRIGGER actuals_delete_figures AFTER DELETE ON actuals REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards();
CREATE TRIGGER quotas_insert_figures AFTER INSERT ON quotas REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards();
CREATE TRIGGER quotas_update_figures AFTER UPDATE ON quotas REFERENCING NEW TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards();
CREATE TRIGGER quotas_delete_figures AFTER DELETE ON quotas REFERENCING OLD TABLE AS changed
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_unit_shards();
-- A report's values count or not by its state (and, as of a past day, by when it was
-- submitted and reviewed); saving its draft moves only the values it writes.
CREATE TRIGGER reports_figures AFTER INSERT OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION trienkhai_move_report_shards();
CREATE TRIGGER reports_state_figures AFTER UPDATE ON reports FOR EACH ROW
    WHEN (OLD.state IS DISTINCT FROM NEW.state OR OLD.submitted_at IS DISTINCT FROM NEW.submitted_at
          OR OLD.reviewed_at IS DISTINCT FROM NEW.reviewed_at)
    EXECUTE FUNCTION trienkhai_move_report_shards();
CREATE TRIGGER target_values_figures AFTER INSERT OR UPDATE OR DELETE ON target_values
    FOR EACH ROW EXECUTE FUNCTION trienkhai_move_target_of_value();
CREATE TRIGGER targets_figures BEFORE UPDATE ON targets
    FOR EACH ROW EXECUTE FUNCTION trienkhai_move_target_definition();
CREATE TRIGGER documents_figures AFTER UPDATE ON documents
    FOR EACH ROW EXECUTE FUNCTION trienkhai_move_targets_of_document();
CREATE TRIGGER plan_settings_figures AFTER INSERT OR UPDATE OR DELETE ON plan_settings
    FOR EACH ROW EXECUTE FUNCTION trienkhai_move_targets_of_document();
CREATE TRIGGER unit_weights_figures AFTER INSERT OR UPDATE OR DELETE ON unit_weights
    FOR EACH ROW EXECUTE FUNCTION trienkhai_move_weighted_means();
CREATE TRIGGER unit_versions_figures AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON unit_versions
    FOR EACH STATEMENT EXECUTE FUNCTION trienkhai_move_tree();

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
-- The rule for a new table: if a cached figure reads it, it gets `*_figures` triggers moving
-- the keys of the figures it feeds (`FIGURE_SOURCES` in the store lists them; a conformance
-- test checks the list against what the roll-up reads on PostgreSQL).

CREATE TRIGGER actuals_insert_figures AFTER INSERT ON actuals BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT id, NEW.unit_id % 32, 1 FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER actuals_update_figures AFTER UPDATE ON actuals BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT id, NEW.unit_id % 32, 1 FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER actuals_delete_figures AFTER DELETE ON actuals BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT id, OLD.unit_id % 32, 1 FROM targets WHERE id = OLD.target_id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER quotas_insert_figures AFTER INSERT ON quotas BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT id, NEW.unit_id % 32, 1 FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER quotas_update_figures AFTER UPDATE ON quotas BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT id, NEW.unit_id % 32, 1 FROM targets WHERE id = NEW.target_id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER quotas_delete_figures AFTER DELETE ON quotas BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT id, OLD.unit_id % 32, 1 FROM targets WHERE id = OLD.target_id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER reports_insert_figures AFTER INSERT ON reports BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT DISTINCT target_id, unit_id % 32, 1 FROM actuals WHERE report_id = NEW.id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;
-- A report's values count or not by its state (and, as of a past day, by when it was
-- submitted and reviewed); saving its draft moves only the values it writes.
CREATE TRIGGER reports_update_figures AFTER UPDATE ON reports
WHEN OLD.state IS NOT NEW.state OR OLD.submitted_at IS NOT NEW.submitted_at
    OR OLD.reviewed_at IS NOT NEW.reviewed_at BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT DISTINCT target_id, unit_id % 32, 1 FROM actuals WHERE report_id = NEW.id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER reports_delete_figures AFTER DELETE ON reports BEGIN
    INSERT INTO target_value_shards (target_id, shard, n)
        SELECT DISTINCT target_id, unit_id % 32, 1 FROM actuals WHERE report_id = OLD.id
        ON CONFLICT (target_id, shard) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER target_values_insert_figures AFTER INSERT ON target_values BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = NEW.target_id;
END;
CREATE TRIGGER target_values_update_figures AFTER UPDATE ON target_values BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = NEW.target_id;
END;
CREATE TRIGGER target_values_delete_figures AFTER DELETE ON target_values BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = OLD.target_id;
END;

-- A target's own row: any change of its definition but the version itself.
CREATE TRIGGER targets_update_figures AFTER UPDATE ON targets
WHEN NEW.values_version = OLD.values_version BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE id = NEW.id;
END;

CREATE TRIGGER documents_update_figures AFTER UPDATE ON documents BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE document_id = NEW.id;
END;

CREATE TRIGGER plan_settings_insert_figures AFTER INSERT ON plan_settings BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE document_id = NEW.document_id;
END;
CREATE TRIGGER plan_settings_update_figures AFTER UPDATE ON plan_settings BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE document_id = NEW.document_id;
END;
CREATE TRIGGER plan_settings_delete_figures AFTER DELETE ON plan_settings BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE document_id = OLD.document_id;
END;

CREATE TRIGGER unit_weights_insert_figures AFTER INSERT ON unit_weights BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE aggregation = 'weighted_mean:' || NEW.name;
END;
CREATE TRIGGER unit_weights_update_figures AFTER UPDATE ON unit_weights BEGIN
    UPDATE targets SET values_version = values_version + 1
    WHERE aggregation IN ('weighted_mean:' || NEW.name, 'weighted_mean:' || OLD.name);
END;
CREATE TRIGGER unit_weights_delete_figures AFTER DELETE ON unit_weights BEGIN
    UPDATE targets SET values_version = values_version + 1 WHERE aggregation = 'weighted_mean:' || OLD.name;
END;

CREATE TRIGGER unit_versions_insert_figures AFTER INSERT ON unit_versions BEGIN
    UPDATE org_generation SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER unit_versions_update_figures AFTER UPDATE ON unit_versions BEGIN
    UPDATE org_generation SET value = value + 1 WHERE id = 1;
END;
CREATE TRIGGER unit_versions_delete_figures AFTER DELETE ON unit_versions BEGIN
    UPDATE org_generation SET value = value + 1 WHERE id = 1;
END;

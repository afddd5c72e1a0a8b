-- A work item's page shows what the reports said of it: the lines of one item, by item.
CREATE INDEX report_items_item ON report_items(work_item_id, report_id);

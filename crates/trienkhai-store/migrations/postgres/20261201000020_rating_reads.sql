-- The year-end rating reads a province's tasks at once (issue 14, budget of point 8): the work
-- items each person answers for are found by person, not by scanning every work item.
CREATE INDEX work_items_responsible ON work_items(responsible_person_id);

-- Dispatch reads each store's dirty rows newest first, a batch at a time. Keyed on (store, desired_at) the
-- partial index hands over the top of the queue directly; keyed on the store alone, every read had to fetch and
-- sort the store's whole backlog, so a backlog made each read slower and the backlog grew (a collapse under load).
create index desired_dirty_newest on desired (store_id, desired_at desc, listing_id) where confirmed is distinct from desired;
drop index desired_dirty;

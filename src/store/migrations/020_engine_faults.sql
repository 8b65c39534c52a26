-- A listing the store rejects for good (a non-retryable item error) is backed off by itself: its own next
-- attempt, so the rest of its store keeps syncing and the store is not counted as failing. The dirty reads and
-- the claim skip a row until its retry_at has passed.
alter table desired add column retry_at timestamptz;

-- Push lag as histograms per store and minute (log buckets, ratio 1.05: bucket b holds lags up to 1.05^b ms), so
-- p50/p99 over any window are read from a few rows instead of one row per acknowledged item.
create table push_lag_minute (
  store_id text not null,
  minute   timestamptz not null,
  bucket   smallint not null,
  n        integer not null,
  primary key (store_id, minute, bucket)
);
create index push_lag_minute_at on push_lag_minute (minute);
drop table push_lag;

-- Webhook health over a sliding window: orders delivered by webhook and orders found only by polling, per store
-- and hour. The reconciliation interval follows from the last 24 hours, so old history decays.
create table webhook_health (
  store_id text not null,
  hour     timestamptz not null,
  seen     integer not null default 0,
  missed   integer not null default 0,
  primary key (store_id, hour)
);

-- When a store's next reconciliation is due (set from webhook health when one finishes; a claim pushes it out by
-- a lease so other processes skip the store meanwhile). Null: due now.
-- levels_read_at: when reconciliation last read every level of the store (orders are polled at the health
-- interval, a whole catalogue's levels more rarely).
alter table stores add column next_reconcile_at timestamptz, add column levels_read_at timestamptz;

create index push_log_at on push_log (at);
create index drift_at on drift (at);

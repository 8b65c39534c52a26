-- dropsync schema, version 1. Every table carries supplier_id so one deployment serves many suppliers.
-- Natural keys (sku, location id) are per supplier; generated ids (stores, listings, orders, ...) are global
-- text ids so webhook URLs can name a store without its supplier.

create table suppliers (
  id          text primary key,
  name        text not null,
  created_at  timestamptz not null
);

-- Supplier admin keys and retailer tokens; only a SHA-256 hash of the secret is stored.
create table api_keys (
  id          text primary key,
  supplier_id text not null references suppliers(id),
  kind        text not null check (kind in ('admin', 'retailer')),
  retailer_id text,
  key_hash    text not null unique,
  label       text,
  created_at  timestamptz not null,
  revoked_at  timestamptz
);

create table locations (
  supplier_id text not null references suppliers(id),
  id          text not null,
  name        text not null,
  shared      boolean not null default true,
  primary key (supplier_id, id)
);

-- One row per SKU; on_hand/committed/held are the running totals (on_hand over shared locations only).
-- This row is the lock target that serialises every change to one SKU.
create table skus (
  supplier_id text not null references suppliers(id),
  sku         text not null,
  name        text,
  category    text,
  listed      boolean not null default true,   -- false: created by an event for an unknown SKU
  on_hand     integer not null default 0,
  committed   integer not null default 0,
  held        integer not null default 0,
  velocity    double precision not null default 0,  -- all-channel units/day, trailing window
  created_at  timestamptz not null,
  updated_at  timestamptz not null,
  primary key (supplier_id, sku)
);
create index skus_category on skus (supplier_id, category);

create table stock_levels (
  supplier_id   text not null,
  sku           text not null,
  location_id   text not null,
  on_hand       integer not null default 0,
  last_set_at   timestamptz,              -- occurredAt of the newest applied `set`
  primary key (supplier_id, sku, location_id),
  foreign key (supplier_id, sku) references skus(supplier_id, sku)
);

-- Idempotency record of every stock event id ever received.
create table stock_events (
  supplier_id  text not null,
  event_id     text not null,
  sku          text not null,
  location_id  text not null,
  kind         text not null check (kind in ('set', 'adjust')),
  quantity     integer,
  delta        integer,
  occurred_at  timestamptz not null,
  source       text,
  reason       text,
  outcome      text not null check (outcome in ('applied', 'stale')),
  received_at  timestamptz not null,
  primary key (supplier_id, event_id)
);
create index stock_events_adjust_after on stock_events (supplier_id, sku, location_id, occurred_at) where kind = 'adjust';

-- Append-only: every change with the quantities it resulted in, so any number can be explained line by line.
create table ledger (
  id             bigserial primary key,
  supplier_id    text not null,
  sku            text not null,
  location_id    text,
  at             timestamptz not null,
  kind           text not null,   -- set | adjust | stale | order | conflict | fulfil | cancel | hold | hold_release | hold_expire | hold_convert
  ref            text,            -- event id, order id, hold id
  delta_on_hand  integer not null default 0,
  delta_committed integer not null default 0,
  delta_held     integer not null default 0,
  on_hand        integer not null,
  committed      integer not null,
  held           integer not null,
  atp            integer not null,
  detail         jsonb
);
create index ledger_sku on ledger (supplier_id, sku, id);

-- Rules scoped global ('' key), category or sku. kind: own_reserve | buffer | threshold | strategy.
create table rules (
  supplier_id text not null references suppliers(id),
  scope       text not null check (scope in ('global', 'category', 'sku')),
  scope_key   text not null default '',
  kind        text not null check (kind in ('own_reserve', 'buffer', 'threshold', 'strategy')),
  value       jsonb not null,
  updated_at  timestamptz not null,
  primary key (supplier_id, scope, scope_key, kind)
);

create table retailers (
  id               text primary key,
  supplier_id      text not null references suppliers(id),
  name             text not null,
  conflict_action  text not null default 'cancel' check (conflict_action in ('cancel', 'backorder', 'notify')),
  discount_value   numeric not null default 10,
  oversell_cost    numeric not null default 20,
  created_at       timestamptz not null
);
create index retailers_supplier on retailers (supplier_id);

-- Per-retailer allocation settings, scoped like rules.
create table retailer_rules (
  supplier_id text not null,
  retailer_id text not null references retailers(id),
  scope       text not null check (scope in ('global', 'category', 'sku')),
  scope_key   text not null default '',
  floor       integer,
  ceiling     integer,
  tier        integer,
  excluded    boolean,
  primary key (retailer_id, scope, scope_key)
);

create table stores (
  id               text primary key,
  supplier_id      text not null references suppliers(id),
  retailer_id      text not null references retailers(id),
  platform         text not null check (platform in ('shopify', 'woocommerce', 'http', 'test')),
  name             text not null,
  config           jsonb not null default '{}',
  credentials      text,                 -- AES-256-GCM sealed JSON (iv.tag.ciphertext, base64)
  paused           boolean not null default false,
  -- dispatcher state
  lease_owner      text,
  lease_until      timestamptz,
  next_attempt_at  timestamptz,
  failures         integer not null default 0,
  circuit_open_until timestamptz,
  health           text not null default 'healthy' check (health in ('healthy', 'degraded', 'unhealthy')),
  last_push_at     timestamptz,
  last_error       text,
  -- reconciliation
  orders_cursor    text,
  last_reconcile_at timestamptz,
  webhooks_seen    integer not null default 0,
  orders_by_poll   integer not null default 0,
  created_at       timestamptz not null
);
create index stores_supplier on stores (supplier_id);

create table listings (
  id                   text primary key,
  supplier_id          text not null,
  store_id             text not null references stores(id),
  sku                  text not null,
  external_id          text not null,
  external_location_id text,
  created_at           timestamptz not null,
  unique (store_id, sku),
  unique (store_id, external_id),
  foreign key (supplier_id, sku) references skus(supplier_id, sku)
);
-- Recompute finds every listing of the SKUs it touches.
create index listings_sku on listings (supplier_id, sku);

-- Level-triggered desired state: one row per listing. dirty = desired is distinct from confirmed.
create table desired (
  listing_id     text primary key references listings(id),
  supplier_id    text not null,
  store_id       text not null,
  sku            text not null,
  desired        integer not null,
  desired_at     timestamptz not null,   -- commit time of the change that set it (lag origin)
  confirmed      integer,
  confirmed_at   timestamptz,
  attempts       integer not null default 0,
  last_error     text
);
create index desired_dirty on desired (store_id) where confirmed is distinct from desired;

create table orders (
  id                text primary key,
  supplier_id       text not null,
  store_id          text references stores(id),
  retailer_id       text,
  platform_order_id text not null,
  name              text,
  email             text,
  source            text not null check (source in ('webhook', 'poll', 'api')),
  status            text not null check (status in ('accepted', 'partial', 'conflict', 'fulfilled', 'cancelled')),
  hold_id           text,
  placed_at         timestamptz not null,
  committed_at      timestamptz not null,
  updated_at        timestamptz not null
);
-- Dedupe key: (store, platform order id); API orders without a store dedupe per supplier ('' store).
create unique index orders_dedupe on orders (supplier_id, (coalesce(store_id, '')), platform_order_id);

create table order_lines (
  order_id    text not null references orders(id),
  line_no     integer not null,
  supplier_id text not null,
  sku         text not null,
  quantity    integer not null,
  accepted    integer not null default 0,   -- units committed
  short       integer not null default 0,   -- units that lost the race (conflict)
  unknown_sku boolean not null default false,
  primary key (order_id, line_no)
);

create table holds (
  id          text primary key,
  supplier_id text not null,
  sku         text not null,
  store_id    text,
  quantity    integer not null,
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  status      text not null check (status in ('active', 'converted', 'released', 'expired')),
  order_id    text
);
create index holds_active on holds (supplier_id, expires_at) where status = 'active';

create table conflicts (
  id           text primary key,
  supplier_id  text not null,
  order_id     text not null references orders(id),
  store_id     text,
  retailer_id  text,
  sku          text not null,
  short        integer not null,
  cost         numeric not null,
  action       text not null,
  status       text not null default 'pending' check (status in ('pending', 'done', 'failed')),
  detail       text,
  code         text,
  attempts     integer not null default 0,
  next_attempt_at timestamptz,          -- compensation retry (after commit, with backoff)
  created_at   timestamptz not null,
  resolved_at  timestamptz
);
create index conflicts_pending on conflicts (next_attempt_at) where status = 'pending';
create index conflicts_supplier on conflicts (supplier_id, created_at);

create table push_log (
  id           bigserial primary key,
  supplier_id  text not null,
  store_id     text not null,
  at           timestamptz not null,
  items        integer not null,
  ok           integer not null,
  failed       integer not null,
  duration_ms  integer not null,
  lag_p50_ms   integer,
  lag_max_ms   integer,
  error        text
);
create index push_log_store on push_log (store_id, id);

-- Per acknowledged item: event-committed -> acknowledged lag, for p50/p99.
create table push_lag (
  store_id   text not null,
  at         timestamptz not null,
  lag_ms     integer not null
);
create index push_lag_store on push_lag (store_id, at);

create table drift (
  id          bigserial primary key,
  supplier_id text not null,
  store_id    text not null,
  listing_id  text not null,
  sku         text not null,
  expected    integer,
  actual      integer not null,
  source      text not null,   -- push_stale | readback | webhook | reconcile
  at          timestamptz not null
);

-- Webhook deliveries already processed (replays are acknowledged and ignored).
create table webhook_deliveries (
  store_id     text not null,
  delivery_key text not null,
  received_at  timestamptz not null,
  primary key (store_id, delivery_key)
);

-- Units sold per day, all channels (retailer_id '') and per retailer, for velocity.
create table sales_daily (
  supplier_id text not null,
  sku         text not null,
  retailer_id text not null default '',
  day         date not null,
  units       integer not null,
  primary key (supplier_id, sku, retailer_id, day)
);

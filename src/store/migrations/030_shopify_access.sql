-- Shopify app installs: expiring offline tokens refreshed by one process at a time, access lost or uninstalled,
-- the state of each store's webhook subscriptions, single-use OAuth states, and alerts recorded for delivery.
alter table stores add column access_status text not null default 'ok' check (access_status in ('ok', 'lost', 'uninstalled'));
alter table stores add column access_reason text;
alter table stores add column refresh_owner text;
alter table stores add column refresh_until timestamptz;
alter table stores add column webhook_state jsonb;
alter table stores add column webhook_checked_at timestamptz;

-- One row per authorization request sent to a shop; `used_at` makes it single use.
create table oauth_states (
  state       text primary key,
  platform    text not null,
  shop        text not null,
  supplier_id text,
  retailer_id text,
  store_id    text,
  invite      text,
  created_at  timestamptz not null,
  expires_at  timestamptz not null,
  used_at     timestamptz
);

-- Alerts waiting for delivery (webhooks, e-mail); recorded here so delivery can be built on them.
create table alerts (
  id           text primary key,
  supplier_id  text not null,
  store_id     text,
  kind         text not null,
  message      text not null,
  detail       jsonb,
  created_at   timestamptz not null,
  delivered_at timestamptz
);
create index alerts_supplier on alerts (supplier_id, created_at);

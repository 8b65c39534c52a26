-- Live dispatcher processes, so the stores are shared evenly between them: each process renews its row with its
-- lease heartbeat and holds at most ceil(stores / live dispatchers) leases at once. A deployment-wide registry
-- of processes, like schema_migrations, so it carries no supplier id.
create table dispatchers (
  owner   text primary key,
  seen_at timestamptz not null
);

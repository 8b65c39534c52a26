-- Each write of a desired row bumps its version. The dispatcher is handed committed changes in memory as well as
-- reading them from the table; the version tells it which of two sightings of a row is the newer, so a read that
-- started before a commit cannot push an older value after the newer one.
alter table desired add column version bigint not null default 0;

-- Files an erasure (or anything else) removed the rows of: their bytes are deleted after the
-- commit, and a scheduler round retries whatever a crash or an error left, so no file of an
-- erased member outlives it.
create table file_deletions (
    sha256 text primary key,
    queued_at bigint not null
);
-- A ticket page lists the duplicates merged into it.
create index tickets_merged_into on tickets (merged_into) where merged_into is not null;
-- The deadline scheduler skips tickets already alerted for their current deadline.
create index outbox_ticket_kind_ref on outbox (ticket_id, kind, ref_id);

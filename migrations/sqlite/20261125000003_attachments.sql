-- Files sent with a ticket (message_id null: with the description) or with a message.
-- The bytes live on disk under their SHA-256 (content-addressed); this row is the only way to
-- reach them, so access is checked against the ticket here.
create table attachments (
    id integer primary key autoincrement,
    ticket_id bigint not null references tickets (id),
    message_id bigint references ticket_messages (id),
    sha256 text not null,
    file_name text not null,
    mime text not null,
    size bigint not null,
    created_at bigint not null
);
create index attachments_ticket on attachments (ticket_id);
create index attachments_sha256 on attachments (sha256);

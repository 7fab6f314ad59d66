-- Which staff have a ticket open, and whether they are typing an answer: the collision warning
-- ("Ana is replying"). Rows are refreshed by the page every few seconds; old ones mean nothing.
create table ticket_viewers (
    ticket_id bigint not null references tickets (id),
    user_id bigint not null references users (id),
    replying bigint not null default 0,
    seen_at bigint not null,
    primary key (ticket_id, user_id)
);

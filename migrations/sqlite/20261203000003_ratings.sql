-- Satisfaction: the member's good/bad (and a comment) on a closed ticket or an ended chat. One
-- per ticket or chat (the partial unique indexes), changed in place for a few days after.
create table ratings (
    id integer primary key autoincrement,
    ticket_id bigint references tickets (id),
    chat_id bigint references chats (id),
    member_id bigint not null references users (id),
    good bigint not null check (good in (0, 1)),
    comment text not null,
    created_at bigint not null,
    updated_at bigint not null,
    check ((ticket_id is null) <> (chat_id is null))
);
create unique index ratings_one_per_ticket on ratings (ticket_id) where ticket_id is not null;
create unique index ratings_one_per_chat on ratings (chat_id) where chat_id is not null;

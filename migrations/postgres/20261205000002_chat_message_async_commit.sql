-- A chat message's commit does not wait for its WAL to reach the disk (synchronous_commit off,
-- for this transaction only). At 2,000 messages/s each commit's flush was most of the delivery
-- tail (p99 7-13 ms, and 3 ms without the wait, BENCHMARKS.md 2026-12-05 "asynchronous
-- commit"). What this gives up: if the PostgreSQL server itself crashes, or its machine loses
-- power, the messages of the last fraction of a second (at most three times wal_writer_delay,
-- 600 ms by default) can be missing afterwards; the database stays consistent. That is the
-- trade SQLite makes for every write here (WAL with synchronous = normal: a power loss can take
-- its last commits). Tickets, answers, files, chats' starts and ends and everything else still
-- wait for the flush.
create or replace function add_chat_message(p_chat bigint, p_author bigint, p_body text, p_at bigint)
returns table (message_id bigint, after_id bigint, member bigint, agent bigint)
language plpgsql volatile as $$
declare
    v_member bigint;
    v_agent bigint;
    v_after bigint;
    v_id bigint;
begin
    update chats set status = status
     where id = p_chat and status <> 'ended' and (member_id = p_author or agent_id = p_author)
     returning member_id, agent_id into v_member, v_agent;
    if not found then
        return;
    end if;
    select coalesce(max(id), 0) into v_after from chat_messages where chat_id = p_chat;
    insert into chat_messages (chat_id, author_id, kind, body, created_at)
    values (p_chat, p_author, 'message', p_body, p_at)
    returning id into v_id;
    -- Local to this transaction: the caller's next statement commits as usual.
    perform set_config('synchronous_commit', 'off', true);
    return query select v_id, v_after, v_member, v_agent;
end
$$;

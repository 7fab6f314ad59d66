-- A chat message written in one round trip (ChatRepo::add_message, a message without files).
-- The same steps as the transaction it replaces: check that the chat is open and the author's,
-- holding its row (which orders the chat's messages); read the chat's last message; insert.
-- A VOLATILE function takes a fresh snapshot for each statement, so the last message is read
-- after the row lock is held and sees a message that committed while this one waited for it.
create function add_chat_message(p_chat bigint, p_author bigint, p_body text, p_at bigint)
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
    return query select v_id, v_after, v_member, v_agent;
end
$$;

pub mod attachments;
pub mod chat_socket;
pub mod file_picker;
pub mod header;
pub mod labels;
pub mod live;
pub mod submit_button;
pub mod ticket_list;

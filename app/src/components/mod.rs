pub mod header;
pub mod labels;
pub mod submit_button;
pub mod ticket_list;

//! Types shared by the server and the WASM client. No I/O here.
mod account;
mod dates;
mod role;
mod status;
mod ticket;
mod ticket_input;
mod tier;

pub use account::*;
pub use dates::{format_day, format_day_time};
pub use role::Role;
pub use status::{Actor, IllegalTransition, TicketStatus};
pub use ticket::{
    ConversationEntry, EntryKind, TicketDetail, TicketLists, TicketSummary, TimelineItem,
};
pub use ticket_input::*;
pub use tier::Tier;

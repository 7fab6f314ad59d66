//! Types shared by the server and the WASM client. No I/O here.
mod account;
mod attachment;
mod audit;
mod chat;
mod dates;
mod desk;
mod error;
mod invalid;
mod live;
mod macros;
mod notice;
mod people;
#[cfg(test)]
mod properties;
mod queue;
mod rating;
mod reconnect;
mod report;
mod role;
mod search;
mod status;
mod ticket;
mod ticket_input;
mod tier;

pub use account::*;
pub use attachment::{
    safe_file_name, sanitize_file_name, sniff, AttachmentInfo, FileKind, Unaccepted, UploadLimits,
    SNIFF_LEN,
};
pub use audit::{AuditEntry, AuditFilter};
pub use chat::*;
pub use dates::{day_start_ms, format_day, format_day_time};
pub use desk::*;
pub use error::AppError;
pub use invalid::{check_length, Invalid};
pub use live::{stream_event, LiveEvent};
pub use macros::{render_macro, Macro, MacroContext, MacroInput, TicketMacro, PLACEHOLDERS};
pub use notice::{
    device_label, Audience, Channel, NoticeKind, NotificationSettings, PushDevice, Topic,
    TopicSetting,
};
pub use people::Person;
pub use queue::{
    parse_ticket_ids, waited, AgentQueue, BulkAction, BulkOutcome, QueueFilter, QueueRow,
    QueueView, MAX_BULK,
};
pub use rating::*;
pub use reconnect::reconnect_delay;
pub use report::{
    percentile, DayFigures, Durations, Report, ReportFilter, Share, MAX_DAYS as MAX_REPORT_DAYS,
};
pub use role::Role;
pub use search::SearchTerms;
pub use status::{Actor, IllegalTransition, TicketStatus};
pub use ticket::{
    ConversationEntry, EntryKind, TicketDesk, TicketDetail, TicketLists, TicketSummary,
    TimelineItem, Viewer,
};
pub use ticket_input::*;
pub use tier::Tier;

/// A path on this site (`/tickets/7`), not a way to another one (`//evil.example`, `/\\evil`,
/// `https://…`): where a login may send the browser on.
pub fn is_local_path(p: &str) -> bool {
    p.starts_with('/')
        && !p.starts_with("//")
        && !p.contains('\\')
        && !p.chars().any(char::is_control)
}

/// A value made safe for a query string (everything but letters and digits percent-encoded).
pub fn query_value(v: &str) -> String {
    percent_encoding::utf8_percent_encode(v, percent_encoding::NON_ALPHANUMERIC).to_string()
}

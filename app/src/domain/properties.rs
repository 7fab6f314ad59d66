//! Property tests: every `parse` and decoder in the domain takes any input without panicking,
//! and what it accepts respects the limits the rest of the code relies on.
use proptest::prelude::*;

use super::*;

proptest! {
    // 512 cases in `make test`; `make reliability` sets PROPTEST_CASES higher.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn ticket_texts_parse_within_their_limits(s in any::<String>()) {
        if let Ok(t) = TicketTitle::parse(&s) {
            let n = t.as_str().chars().count();
            prop_assert!((3..=TITLE_MAX).contains(&n));
            prop_assert!(!t.as_str().contains(['\n', '\t']));
            prop_assert_eq!(TicketTitle::parse(t.as_str()).unwrap(), t);
        }
        if let Ok(d) = Description::parse(&s) {
            let n = d.as_str().chars().count();
            prop_assert!((DESCRIPTION_MIN..=BODY_MAX).contains(&n));
            prop_assert!(d.as_str().chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
        }
        if let Ok(b) = MessageBody::parse(&s) {
            prop_assert!(!b.as_str().is_empty() && b.as_str().chars().count() <= BODY_MAX);
        }
        let _ = parse_language(&s);
        let _ = language_prefix(&s);
    }

    #[test]
    fn account_fields_parse_or_refuse(s in any::<String>()) {
        if let Ok(u) = Username::parse(&s) {
            prop_assert_eq!(u.as_str().to_lowercase(), u.as_str());
        }
        if let Ok(e) = Email::parse(&s) {
            prop_assert!(e.as_str().contains('@') && e.as_str().len() <= 254);
        }
        let _ = DisplayName::parse(&s);
        if let Ok(m) = MemberNumber::parse(&s) {
            prop_assert!(m.as_str().chars().all(|c| c.is_ascii_digit()));
        }
        let _ = Tier::parse(&s);
        let _ = Role::parse(&s);
        let _ = TicketStatus::parse(&s);
        let _ = ChatStatus::parse(&s);
        let _ = EntryKind::parse(&s);
        let _ = EndReason::parse(&s);
        let _ = SystemNote::parse(&s);
    }

    #[test]
    fn queue_filters_parse_or_refuse(a in any::<String>(), b in any::<String>(), c in any::<String>(), d in any::<String>()) {
        if let Ok(f) = QueueFilter::parse(&a, &b, &c, &d) {
            prop_assert!(f.search.map_or(0, |s| s.chars().count()) <= 100);
        }
    }

    #[test]
    fn file_names_come_out_safe(s in any::<String>()) {
        let name = sanitize_file_name(&s);
        prop_assert!(!name.is_empty() && name.chars().count() <= 100);
        prop_assert!(!name.contains(['/', '\\', '"', '\0', '\n', '\r', ';']));
        prop_assert!(!name.starts_with('.'));
    }

    #[test]
    fn any_bytes_are_sniffed_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..SNIFF_LEN)) {
        if let Ok(kind) = sniff(&bytes) {
            prop_assert!(!kind.mime().is_empty());
        }
    }

    #[test]
    fn chat_frames_and_questions_decode_or_refuse(s in any::<String>()) {
        let _ = serde_json::from_str::<ClientFrame>(&s);
        #[cfg(feature = "ssr")]
        let _ = crate::ssr::language::non_english_language(&s);
    }

    #[test]
    fn wait_estimates_never_overflow(
        waits in proptest::collection::vec(any::<i64>(), 0..20),
        position in any::<i64>(),
        agents in any::<i64>(),
    ) {
        if let Some(secs) = estimate_wait(&waits, position, agents) {
            prop_assert!(agents > 0);
            prop_assert!(secs >= 30);
        }
    }
}

//! Per-person caps and rates, held in this instance's memory: how many live-event streams and
//! chat sockets one person may hold open, and how fast one person may send chat messages, typing
//! signals and files. Behind a load balancer each instance counts its own share; the storage
//! quota, which must hold across instances, is counted in the database instead.
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use super::config::Config;

/// Chat messages: a burst of five seconds' worth (ten at the default two a second; a person
/// typing fast sends far fewer).
const CHAT_BURST_SECONDS: u32 = 5;
/// Typing signals: the page sends one every two seconds at most; more is noise to drop.
const TYPING_BURST: u32 = 3;

#[derive(Debug)]
pub struct Limits {
    uploads: DefaultKeyedRateLimiter<i64>,
    chat_messages: DefaultKeyedRateLimiter<i64>,
    typing: DefaultKeyedRateLimiter<i64>,
    streams: Slots,
    sockets: Slots,
}

fn nonzero(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n.max(1)).unwrap_or(NonZeroU32::MIN)
}

impl Limits {
    pub fn new(config: &Config) -> Arc<Limits> {
        let per_minute = nonzero(config.uploads_per_minute);
        let cap = config.max_streams_per_user;
        let chat_rate = config.chat_messages_per_second;
        Arc::new(Limits {
            uploads: RateLimiter::keyed(Quota::per_minute(per_minute).allow_burst(per_minute)),
            chat_messages: RateLimiter::keyed(
                Quota::per_second(nonzero(chat_rate))
                    .allow_burst(nonzero(chat_rate.saturating_mul(CHAT_BURST_SECONDS))),
            ),
            typing: RateLimiter::keyed(
                Quota::per_second(nonzero(1)).allow_burst(nonzero(TYPING_BURST)),
            ),
            streams: Slots::new(cap),
            sockets: Slots::new(cap),
        })
    }

    /// One more request with files from this person, or how long until they may send one.
    pub fn upload(&self, user_id: i64) -> Result<(), Duration> {
        check(&self.uploads, user_id)
    }

    pub fn chat_message(&self, user_id: i64) -> Result<(), Duration> {
        check(&self.chat_messages, user_id)
    }

    /// Whether a typing signal is passed on (past the rate it is dropped without a word).
    pub fn typing(&self, user_id: i64) -> bool {
        self.typing.check_key(&user_id).is_ok()
    }

    /// A place for one more live-event stream, held until the returned guard is dropped.
    pub fn stream(&self, user_id: i64) -> Option<SlotGuard> {
        self.streams.take(user_id)
    }

    /// A place for one more chat socket, held until the returned guard is dropped.
    pub fn socket(&self, user_id: i64) -> Option<SlotGuard> {
        self.sockets.take(user_id)
    }

    /// Forgets people who have not been limited lately (called by the housekeeping loop).
    pub fn forget_idle(&self) {
        self.uploads.retain_recent();
        self.chat_messages.retain_recent();
        self.typing.retain_recent();
    }
}

fn check(limiter: &DefaultKeyedRateLimiter<i64>, user_id: i64) -> Result<(), Duration> {
    limiter
        .check_key(&user_id)
        .map_err(|not_until| not_until.wait_time_from(DefaultClock::default().now()))
}

/// Counts what each person holds open; a slot goes back when its guard is dropped.
#[derive(Debug)]
struct Slots {
    cap: usize,
    held: Arc<Mutex<HashMap<i64, usize>>>,
}

impl Slots {
    fn new(cap: usize) -> Slots {
        Slots {
            cap,
            held: Arc::default(),
        }
    }

    fn take(&self, user_id: i64) -> Option<SlotGuard> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let n = held.entry(user_id).or_insert(0);
        if *n >= self.cap {
            return None;
        }
        *n += 1;
        Some(SlotGuard {
            user_id,
            held: self.held.clone(),
        })
    }
}

/// One open stream or socket; dropping it frees the place.
#[derive(Debug)]
pub struct SlotGuard {
    user_id: i64,
    held: Arc<Mutex<HashMap<i64, usize>>>,
}

impl Drop for SlotGuard {
    fn drop(&mut self) {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = held.get_mut(&self.user_id) {
            *n -= 1;
            if *n == 0 {
                held.remove(&self.user_id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_capped_per_person_and_come_back() {
        let limits = Limits::new(&Config {
            max_streams_per_user: 2,
            ..Config::default()
        });
        let a = limits.stream(1).unwrap();
        let _b = limits.stream(1).unwrap();
        assert!(limits.stream(1).is_none());
        assert!(limits.stream(2).is_some(), "another person has their own");
        drop(a);
        assert!(limits.stream(1).is_some());
        assert!(limits.socket(1).is_some(), "sockets are counted apart");
    }

    #[test]
    fn rates_refuse_past_the_burst_and_say_how_long_to_wait() {
        let limits = Limits::new(&Config {
            uploads_per_minute: 2,
            ..Config::default()
        });
        assert!(limits.upload(1).is_ok());
        assert!(limits.upload(1).is_ok());
        let wait = limits.upload(1).unwrap_err();
        assert!(
            wait > Duration::from_secs(1) && wait <= Duration::from_secs(30),
            "{wait:?}"
        );
        assert!(limits.upload(2).is_ok());
        for _ in 0..2 * CHAT_BURST_SECONDS {
            assert!(limits.chat_message(1).is_ok());
        }
        assert!(limits.chat_message(1).is_err());
    }
}

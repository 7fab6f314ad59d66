//! When a browser should try again after losing its live connection. Exponential backoff with
//! full jitter: after a deploy thousands of phones lose their socket at the same moment, and
//! waiting a random share of a growing window spreads their returns instead of bringing them
//! all back in the same second, again and again.
use std::time::Duration;

/// The first window: a blip (Wi-Fi to mobile data) is bridged almost at once.
const BASE_MS: u64 = 500;
/// The longest window: a server that is down for a while is tried every half minute or so.
const CAP_MS: u64 = 30_000;

/// The wait before attempt `attempt` (0 = the first retry). `random` is uniform in [0, 1),
/// drawn by the caller (the browser's `Math.random`), so this stays a pure function.
pub fn reconnect_delay(attempt: u32, random: f64) -> Duration {
    let window = BASE_MS.saturating_mul(1u64 << attempt.min(16)).min(CAP_MS);
    let share = random.clamp(0.0, 1.0);
    // Never zero: a tight loop against a refusing server helps nobody.
    Duration::from_millis(((window as f64 * share) as u64).max(BASE_MS / 5))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_grow_then_stop_growing() {
        let top = |attempt| reconnect_delay(attempt, 0.999_999);
        assert!(top(0) <= Duration::from_millis(500));
        assert!(top(1) <= Duration::from_millis(1000) && top(1) > top(0));
        assert!(top(3) <= Duration::from_millis(4000) && top(3) > top(2));
        assert!(top(10) <= Duration::from_secs(30));
        assert_eq!(top(40), top(10), "capped, no overflow");
    }

    #[test]
    fn clients_spread_out_and_never_spin() {
        let waits: Vec<_> = [0.0, 0.25, 0.5, 0.75, 0.99]
            .iter()
            .map(|r| reconnect_delay(5, *r))
            .collect();
        assert!(waits.windows(2).all(|w| w[0] < w[1]), "{waits:?}");
        assert!(reconnect_delay(0, 0.0) >= Duration::from_millis(100));
        assert!(reconnect_delay(7, -3.0) >= Duration::from_millis(100));
    }
}

//! Failed-login counting in the database, so the limit holds across instances and restarts.
use sqlx::AnyPool;

pub struct Throttle<'a>(pub &'a AnyPool);

#[derive(Debug, PartialEq, Eq)]
pub enum ThrottleVerdict {
    Allowed,
    /// Blocked; the oldest counted failure leaves the window after this many seconds.
    Blocked {
        retry_after_secs: u64,
    },
}

impl Throttle<'_> {
    /// Blocked as soon as any of `keys` has `limit` failures inside the window.
    pub async fn check(
        &self,
        keys: &[(&str, i64)],
        window_ms: i64,
        now: i64,
    ) -> Result<ThrottleVerdict, sqlx::Error> {
        let since = now - window_ms;
        let mut wait_ms = 0i64;
        for (key, limit) in keys {
            let times: Vec<i64> = sqlx::query_scalar(
                "select at from login_failures where key = $1 and at > $2 order by at desc limit $3",
            )
            .bind(*key)
            .bind(since)
            .bind(*limit)
            .fetch_all(self.0)
            .await?;
            if times.len() as i64 >= *limit {
                // The limit-th most recent failure must age out before one more try is allowed.
                let oldest = *times.last().unwrap_or(&now);
                wait_ms = wait_ms.max(oldest + window_ms - now);
            }
        }
        Ok(if wait_ms > 0 {
            ThrottleVerdict::Blocked {
                retry_after_secs: (wait_ms as u64).div_ceil(1000),
            }
        } else {
            ThrottleVerdict::Allowed
        })
    }

    pub async fn record_failure(&self, keys: &[&str], now: i64) -> Result<(), sqlx::Error> {
        for key in keys {
            sqlx::query("insert into login_failures (key, at) values ($1, $2)")
                .bind(*key)
                .bind(now)
                .execute(self.0)
                .await?;
        }
        Ok(())
    }

    pub async fn clear(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("delete from login_failures where key = $1")
            .bind(key)
            .execute(self.0)
            .await?;
        Ok(())
    }

    pub async fn forget_older_than(&self, cutoff: i64) -> Result<(), sqlx::Error> {
        sqlx::query("delete from login_failures where at < $1")
            .bind(cutoff)
            .execute(self.0)
            .await?;
        Ok(())
    }
}

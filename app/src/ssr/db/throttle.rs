//! Login attempts counted in the database, so limits hold across instances and restarts. An
//! attempt is written *before* its password is checked, so a burst of parallel guesses cannot
//! all pass a check that none of them has been counted in yet.
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
    /// Counts one attempt under each key; returns the rows, to forget if it turns out well.
    #[tracing::instrument(skip_all, err)]
    pub async fn record(&self, keys: &[&str], now: i64) -> Result<Vec<i64>, sqlx::Error> {
        let mut ids = Vec::with_capacity(keys.len());
        for key in keys {
            let id: i64 = sqlx::query_scalar(
                "insert into login_failures (key, at) values ($1, $2) returning id",
            )
            .bind(*key)
            .bind(now)
            .fetch_one(self.0)
            .await?;
            ids.push(id);
        }
        Ok(ids)
    }

    /// Blocked when a key holds more than its limit of attempts inside the window, this one
    /// included. Every attempt is visible once written, so of N parallel attempts at most
    /// `limit` see a count within the limit.
    #[tracing::instrument(skip_all, err)]
    pub async fn verdict(
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
            .bind(*limit + 1)
            .fetch_all(self.0)
            .await?;
            if times.len() as i64 > *limit {
                // The limit-th most recent earlier attempt must age out first.
                let oldest = times.last().copied().unwrap_or(now);
                wait_ms = wait_ms.max(oldest + window_ms - now).max(1000);
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

    /// Attempts under `key` inside the window.
    #[tracing::instrument(skip_all, err)]
    pub async fn count(&self, key: &str, since: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("select count(*) from login_failures where key = $1 and at > $2")
            .bind(key)
            .bind(since)
            .fetch_one(self.0)
            .await
    }

    /// Takes back the rows of an attempt that succeeded or was refused unchecked.
    #[tracing::instrument(skip_all, err)]
    pub async fn forget(&self, ids: &[i64]) -> Result<(), sqlx::Error> {
        for id in ids {
            sqlx::query("delete from login_failures where id = $1")
                .bind(*id)
                .execute(self.0)
                .await?;
        }
        Ok(())
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn clear(&self, key: &str) -> Result<(), sqlx::Error> {
        sqlx::query("delete from login_failures where key = $1")
            .bind(key)
            .execute(self.0)
            .await?;
        Ok(())
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn forget_older_than(&self, cutoff: i64) -> Result<(), sqlx::Error> {
        sqlx::query("delete from login_failures where at < $1")
            .bind(cutoff)
            .execute(self.0)
            .await?;
        Ok(())
    }
}

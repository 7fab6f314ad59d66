//! Devices that receive Web Push: one subscription per browser, owned by whoever turned push on
//! there last.
use sqlx::{AnyPool, FromRow};

use crate::domain::PushDevice;

/// At most this many devices per person; turning on one more forgets the oldest.
pub const MAX_DEVICES: i64 = 10;

/// What the sender needs to reach one device.
#[derive(Debug, Clone, FromRow)]
pub struct PushTarget {
    pub id: i64,
    pub user_id: i64,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

/// A browser's subscription as it hands it over.
#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    pub endpoint: &'a str,
    pub p256dh: &'a str,
    pub auth: &'a str,
    pub label: &'a str,
}

pub struct PushRepo<'a>(pub &'a AnyPool);

impl PushRepo<'_> {
    /// Keeps this device for `user_id`. A browser keeps one endpoint however often it
    /// subscribes, so the same endpoint is updated, and moves to whoever subscribed last (a
    /// shared phone signed in as someone else).
    pub async fn add(
        &self,
        user_id: i64,
        sub: &NewSubscription<'_>,
        at: i64,
    ) -> Result<i64, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "insert into push_subscriptions (user_id, endpoint, p256dh, auth, label, created_at) \
             values ($1, $2, $3, $4, $5, $6) \
             on conflict (endpoint) do update set user_id = excluded.user_id, \
               p256dh = excluded.p256dh, auth = excluded.auth, label = excluded.label, \
               created_at = excluded.created_at \
             returning id",
        )
        .bind(user_id)
        .bind(sub.endpoint)
        .bind(sub.p256dh)
        .bind(sub.auth)
        .bind(sub.label)
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "delete from push_subscriptions where user_id = $1 and id not in \
               (select id from push_subscriptions where user_id = $1 \
                order by created_at desc, id desc limit $2)",
        )
        .bind(user_id)
        .bind(MAX_DEVICES)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn list(&self, user_id: i64) -> Result<Vec<PushDevice>, sqlx::Error> {
        sqlx::query_as::<_, (i64, String, i64, Option<i64>)>(
            "select id, label, created_at, last_sent_at from push_subscriptions \
             where user_id = $1 order by created_at desc, id desc",
        )
        .bind(user_id)
        .fetch_all(self.0)
        .await
        .map(|rows| {
            rows.into_iter()
                .map(|(id, label, created_at, last_sent_at)| PushDevice {
                    id,
                    label,
                    created_at,
                    last_sent_at,
                })
                .collect()
        })
    }

    /// Forgets one of this person's devices; false when it is not theirs (or gone).
    pub async fn remove(&self, user_id: i64, id: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("delete from push_subscriptions where id = $1 and user_id = $2")
            .bind(id)
            .bind(user_id)
            .execute(self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// "Turn off on this device": the browser names its endpoint.
    pub async fn remove_endpoint(&self, user_id: i64, endpoint: &str) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("delete from push_subscriptions where endpoint = $1 and user_id = $2")
                .bind(endpoint)
                .bind(user_id)
                .execute(self.0)
                .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Which of this person's devices a browser's endpoint is (the page marks "this device").
    pub async fn id_of(&self, user_id: i64, endpoint: &str) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("select id from push_subscriptions where endpoint = $1 and user_id = $2")
            .bind(endpoint)
            .bind(user_id)
            .fetch_optional(self.0)
            .await
    }

    pub async fn target(&self, id: i64) -> Result<Option<PushTarget>, sqlx::Error> {
        sqlx::query_as(
            "select id, user_id, endpoint, p256dh, auth from push_subscriptions where id = $1",
        )
        .bind(id)
        .fetch_optional(self.0)
        .await
    }

    /// The push service said the subscription is gone (404/410): forget the device.
    pub async fn expire(&self, id: i64) -> Result<(), sqlx::Error> {
        sqlx::query("delete from push_subscriptions where id = $1")
            .bind(id)
            .execute(self.0)
            .await?;
        Ok(())
    }

    pub async fn touch(&self, id: i64, at: i64) -> Result<(), sqlx::Error> {
        sqlx::query("update push_subscriptions set last_sent_at = $1 where id = $2")
            .bind(at)
            .bind(id)
            .execute(self.0)
            .await?;
        Ok(())
    }
}

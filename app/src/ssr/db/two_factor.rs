//! Two-step sign-in rows: the TOTP secret of each staff member who set it up, and their
//! recovery codes (SHA-256 of each; the codes are random, so a plain hash is enough).
use sqlx::AnyPool;

pub struct TwoFactorRepo<'a>(pub &'a AnyPool);

/// A person's authenticator set-up.
#[derive(Debug, Clone)]
pub struct TwoFactor {
    pub secret: String,
    pub enabled: bool,
}

impl TwoFactorRepo<'_> {
    #[tracing::instrument(skip_all, err)]
    pub async fn get(&self, user_id: i64) -> Result<Option<TwoFactor>, sqlx::Error> {
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("select secret, enabled_at from two_factor where user_id = $1")
                .bind(user_id)
                .fetch_optional(self.0)
                .await?;
        Ok(row.map(|(secret, enabled_at)| TwoFactor {
            secret,
            enabled: enabled_at.is_some(),
        }))
    }

    /// A new secret waiting for its first code; replaces one that was never confirmed. An
    /// enabled one stays (false): turning it off comes first.
    #[tracing::instrument(skip_all, err)]
    pub async fn begin(&self, user_id: i64, secret: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "insert into two_factor (user_id, secret) values ($1, $2) \
             on conflict (user_id) do update set secret = excluded.secret, last_step = 0 \
             where two_factor.enabled_at is null",
        )
        .bind(user_id)
        .bind(secret)
        .execute(self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Takes the code of time step `step` for this person: true only the first time a step
    /// this new is used (two instances checking the same code at once: one wins).
    #[tracing::instrument(skip_all, err)]
    pub async fn take_step(&self, user_id: i64, step: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "update two_factor set last_step = $2 where user_id = $1 and last_step < $2",
        )
        .bind(user_id)
        .bind(step)
        .execute(self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Turns the set-up on with fresh recovery codes (any earlier ones are dropped).
    #[tracing::instrument(skip_all, err)]
    pub async fn enable(
        &self,
        user_id: i64,
        code_hashes: &[String],
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.0.begin().await?;
        sqlx::query("update two_factor set enabled_at = $2 where user_id = $1")
            .bind(user_id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        sqlx::query("delete from recovery_codes where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        for hash in code_hashes {
            sqlx::query("insert into recovery_codes (user_id, code_hash) values ($1, $2)")
                .bind(user_id)
                .bind(hash)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await
    }

    /// Uses up one recovery code: true if it was this person's and unused.
    #[tracing::instrument(skip_all, err)]
    pub async fn use_recovery_code(
        &self,
        user_id: i64,
        code_hash: &str,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "update recovery_codes set used_at = $3 \
             where user_id = $1 and code_hash = $2 and used_at is null",
        )
        .bind(user_id)
        .bind(code_hash)
        .bind(now)
        .execute(self.0)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Recovery codes not used yet.
    #[tracing::instrument(skip_all, err)]
    pub async fn codes_left(&self, user_id: i64) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar(
            "select count(*) from recovery_codes where user_id = $1 and used_at is null",
        )
        .bind(user_id)
        .fetch_one(self.0)
        .await
    }

    /// Removes the set-up and its codes (the person turned it off, or an admin reset it).
    #[tracing::instrument(skip_all, err)]
    pub async fn remove(&self, user_id: i64) -> Result<bool, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        sqlx::query("delete from recovery_codes where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        let done = sqlx::query("delete from two_factor where user_id = $1")
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(done.rows_affected() == 1)
    }
}

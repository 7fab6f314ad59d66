use sqlx::AnyPool;

use super::rows::UserRow;

use crate::domain::{CurrentUser, DisplayName, Email, MemberNumber, Role, Tier, Username};

/// A stored account. Holds the password hash, so it is deliberately not `Serialize`.
#[derive(Debug, Clone)]
pub struct UserRecord {
    pub user: CurrentUser,
    pub password_hash: String,
}

/// A parsed, ready-to-store account (the hash is already computed).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: DisplayName,
    pub email: Email,
    pub member_number: Option<MemberNumber>,
    pub tier: Tier,
    pub role: Role,
    pub password_hash: String,
}

pub struct UserRepo<'a>(pub &'a AnyPool);

const COLUMNS: &str = "id, username, display_name, email, member_number, tier, role, password_hash";

impl UserRepo<'_> {
    #[tracing::instrument(skip_all, err)]
    pub async fn by_username(
        &self,
        username: &Username,
    ) -> Result<Option<UserRecord>, sqlx::Error> {
        let sql =
            format!("select {COLUMNS} from users where username = $1 and disabled_at is null");
        let row: Option<UserRow> = sqlx::query_as(&sql)
            .bind(username.as_str())
            .fetch_optional(self.0)
            .await?;
        row.map(UserRecord::try_from).transpose()
    }

    /// The account behind a session; a disabled account has none.
    #[tracing::instrument(skip_all, err)]
    pub async fn by_id(&self, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
        let sql = format!("select {COLUMNS} from users where id = $1 and disabled_at is null");
        let row: Option<UserRow> = sqlx::query_as(&sql).bind(id).fetch_optional(self.0).await?;
        Ok(row.map(UserRecord::try_from).transpose()?.map(|r| r.user))
    }

    #[tracing::instrument(skip_all, err)]
    pub async fn count(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("select count(*) from users")
            .fetch_one(self.0)
            .await
    }

    /// Inserts every account in one transaction: all of them or none.
    #[tracing::instrument(skip_all, err)]
    pub async fn insert_all(&self, users: &[NewUser], now: i64) -> Result<Vec<i64>, sqlx::Error> {
        let mut tx = self.0.begin().await?;
        let mut ids = Vec::with_capacity(users.len());
        for u in users {
            let id: i64 = sqlx::query_scalar(
                "insert into users (username, display_name, email, member_number, tier, role, \
                 password_hash, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) returning id",
            )
            .bind(u.username.as_str())
            .bind(u.display_name.as_str())
            .bind(u.email.as_str())
            .bind(u.member_number.as_ref().map(|m| m.as_str().to_string()))
            .bind(u.tier.as_str())
            .bind(u.role.as_str())
            .bind(&u.password_hash)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    }

    /// Which of these usernames are already taken (to report them before writing anything).
    #[tracing::instrument(skip_all, err)]
    pub async fn existing(&self, names: &[&str]) -> Result<Vec<String>, sqlx::Error> {
        let mut taken = Vec::new();
        for name in names {
            let hit: Option<String> =
                sqlx::query_scalar("select username from users where username = $1")
                    .bind(*name)
                    .fetch_optional(self.0)
                    .await?;
            taken.extend(hit);
        }
        Ok(taken)
    }
}

impl UserRepo<'_> {
    /// Switches an account off (or on again). False when there is no such account.
    #[tracing::instrument(skip_all, err)]
    pub async fn set_disabled(&self, username: &str, disabled: bool) -> Result<bool, sqlx::Error> {
        let at = disabled.then(super::now_ms);
        let done = sqlx::query("update users set disabled_at = $1 where username = $2")
            .bind(at)
            .bind(username)
            .execute(self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

impl UserRepo<'_> {
    /// Gives an account another role. False when there is no such account.
    #[tracing::instrument(skip_all, err)]
    pub async fn set_role(&self, username: &str, role: Role) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("update users set role = $1 where username = $2")
            .bind(role.as_str())
            .bind(username)
            .execute(self.0)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

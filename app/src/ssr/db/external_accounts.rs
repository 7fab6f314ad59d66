//! Accounts of members who sign in through the company's identity provider. The provider's
//! (issuer, subject) pair finds the account; the facts it sends (tier, name, email, number)
//! overwrite ours at every sign-in, so a change in the member system counts from the next one.
use super::is_unique_violation;
use super::users::UserRepo;
use crate::domain::{CurrentUser, Role};
use crate::ssr::oidc::Profile;

/// What signing in as this identity leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalSignIn {
    Account(CurrentUser),
    /// The account is switched off (an admin disabled it): no session.
    Disabled,
}

/// Never a valid password hash, so such an account cannot be signed in with a password
/// (until an admin sets one).
const NO_PASSWORD: &str = "!external";

impl UserRepo<'_> {
    /// The account of this identity, made on first sign-in. A member account of the same
    /// member number not yet tied to any identity is taken over (a desk that moves to the
    /// provider keeps each member's history); staff accounts never are.
    #[tracing::instrument(skip_all, err)]
    pub async fn sign_in_external(
        &self,
        p: &Profile,
        now: i64,
    ) -> Result<ExternalSignIn, sqlx::Error> {
        let number = p.member_number.as_ref().map(|n| n.as_str().to_string());
        // Two first sign-ins of one identity race on the unique index: the loser reads the
        // winner's row on its next turn.
        for turn in 0..4 {
            let linked: Option<(i64, Option<i64>)> = sqlx::query_as(
                "select id, disabled_at from users \
                 where external_issuer = $1 and external_subject = $2",
            )
            .bind(&p.issuer)
            .bind(&p.subject)
            .fetch_optional(self.0)
            .await?;
            let id = match linked {
                Some((_, Some(_))) => return Ok(ExternalSignIn::Disabled),
                Some((id, None)) => id,
                None => match self.link_by_number(p, number.as_deref()).await {
                    Err(e) if is_unique_violation(&e) => continue,
                    Err(e) => return Err(e),
                    Ok(Some(Err(()))) => return Ok(ExternalSignIn::Disabled),
                    Ok(Some(Ok(id))) => id,
                    Ok(None) => match self.insert_external(p, number.as_deref(), now, turn).await {
                        Ok(id) => id,
                        Err(e) if is_unique_violation(&e) => continue,
                        Err(e) => return Err(e),
                    },
                },
            };
            sqlx::query(
                "update users set display_name = $1, email = $2, member_number = $3, tier = $4 \
                 where id = $5",
            )
            .bind(p.display_name.as_str())
            .bind(p.email.as_str())
            .bind(&number)
            .bind(p.tier.as_str())
            .bind(id)
            .execute(self.0)
            .await?;
            return match self.by_id(id).await? {
                Some(user) => Ok(ExternalSignIn::Account(user)),
                None => Ok(ExternalSignIn::Disabled),
            };
        }
        Err(sqlx::Error::Protocol(
            "could not settle on an account for this identity".into(),
        ))
    }

    /// Ties an unlinked member account with this member number to the identity. `Some(Err)`
    /// when that account is switched off.
    async fn link_by_number(
        &self,
        p: &Profile,
        number: Option<&str>,
    ) -> Result<Option<Result<i64, ()>>, sqlx::Error> {
        let Some(number) = number else {
            return Ok(None);
        };
        let found: Option<(i64, Option<i64>)> = sqlx::query_as(
            "select id, disabled_at from users where member_number = $1 and role = $2 \
             and external_subject is null order by id limit 1",
        )
        .bind(number)
        .bind(Role::Member.as_str())
        .fetch_optional(self.0)
        .await?;
        let Some((id, disabled)) = found else {
            return Ok(None);
        };
        if disabled.is_some() {
            return Ok(Some(Err(())));
        }
        let done = sqlx::query(
            "update users set external_issuer = $1, external_subject = $2 \
             where id = $3 and external_subject is null",
        )
        .bind(&p.issuer)
        .bind(&p.subject)
        .bind(id)
        .execute(self.0)
        .await?;
        // Another sign-in linked it first: that one's identity owns it now.
        Ok((done.rows_affected() == 1).then_some(Ok(id)))
    }

    /// A new member account. Its username is the member number (or the email's local part);
    /// when that is taken, a short random suffix makes it unique.
    async fn insert_external(
        &self,
        p: &Profile,
        number: Option<&str>,
        now: i64,
        turn: usize,
    ) -> Result<i64, sqlx::Error> {
        let base: String = number
            .unwrap_or_else(|| p.email.as_str().split('@').next().unwrap_or("member"))
            .chars()
            .filter(|c| c.is_alphanumeric() || "._-".contains(*c))
            .take(50)
            .collect::<String>()
            .to_lowercase();
        let base = if base.is_empty() {
            "member".into()
        } else {
            base
        };
        let taken: Option<i64> = sqlx::query_scalar("select id from users where username = $1")
            .bind(&base)
            .fetch_optional(self.0)
            .await?;
        let username = if taken.is_none() && turn == 0 {
            base
        } else {
            format!("{base}-{:06x}", rand::random::<u32>() & 0xff_ffff)
        };
        sqlx::query_scalar(
            "insert into users (username, display_name, email, member_number, tier, role, \
             password_hash, created_at, external_issuer, external_subject) \
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
        )
        .bind(&username)
        .bind(p.display_name.as_str())
        .bind(p.email.as_str())
        .bind(number)
        .bind(p.tier.as_str())
        .bind(Role::Member.as_str())
        .bind(NO_PASSWORD)
        .bind(now)
        .bind(&p.issuer)
        .bind(&p.subject)
        .fetch_one(self.0)
        .await
    }
}

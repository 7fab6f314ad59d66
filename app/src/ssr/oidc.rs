//! Member sign-in through the company's identity provider: OpenID Connect authorization code
//! flow with PKCE. `/auth/oidc/start` sends the browser to the provider with a fresh state,
//! nonce and PKCE challenge kept in the session; `/auth/oidc/callback` takes them out of the
//! session (so a replayed or forged callback finds nothing to match), trades the code for
//! tokens, has the ID token's signature, issuer, audience, expiry and nonce checked by
//! `openidconnect`, and reads the member's facts from its claims and the userinfo answer.
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::Engine;
use openidconnect::core::{
    CoreAuthenticationFlow, CoreClient, CoreGenderClaim, CoreProviderMetadata,
};
use openidconnect::{
    AccessTokenHash, AdditionalClaims, AuthorizationCode, ClaimsVerificationError, ClientId,
    ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl, Nonce,
    OAuth2TokenResponse, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    UserInfoClaims,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::Mutex;

use super::config::{ClaimNames, OidcConfig};
use crate::domain::{DisplayName, Email, MemberNumber, SignInProblem, Tier};

/// How long the provider's discovery document and keys are trusted before being read again.
const METADATA_TTL: Duration = Duration::from_secs(600);
/// A signature that matches no key we know makes us read the keys again (the provider may
/// have rotated them), but not more often than this.
const KEY_REFRESH_MIN: Duration = Duration::from_secs(30);
/// How long a member may take at the provider before the callback is refused as stale.
pub const PENDING_MS: i64 = 10 * 60 * 1000;

type DeskClient = CoreClient<
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// The desk's side of the provider: its settings, an HTTP client that never follows redirects
/// (a redirect on the token endpoint would otherwise be an open door to other hosts), and the
/// provider's metadata, read when first needed so the desk starts while the provider is down.
#[derive(Clone)]
pub struct Oidc(Arc<Inner>);

struct Inner {
    config: OidcConfig,
    http: reqwest::Client,
    metadata: Mutex<Option<(CoreProviderMetadata, Instant)>>,
}

impl std::fmt::Debug for Oidc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Oidc").field(&self.0.config).finish()
    }
}

/// What the desk remembers in the session between sending the member away and their return.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Pending {
    pub state: String,
    nonce: String,
    verifier: String,
    redirect: String,
    /// Where the member was going (a local path), checked when it was asked for.
    pub next: Option<String>,
    pub at: i64,
}

/// Why a sign-in through the provider did not happen: the problem the login page words, and
/// for the provider's own refusals, its OAuth error code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    Problem(SignInProblem),
    Provider(String),
}

impl Failure {
    pub const STATE: Failure = Failure::Problem(SignInProblem::State);
    pub const UNREACHABLE: Failure = Failure::Problem(SignInProblem::Unreachable);
    pub const TOKEN: Failure = Failure::Problem(SignInProblem::Token);

    pub fn problem(&self) -> SignInProblem {
        match self {
            Failure::Problem(p) => *p,
            Failure::Provider(_) => SignInProblem::Provider,
        }
    }
}

/// The member as the provider describes them, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub issuer: String,
    pub subject: String,
    pub tier: Tier,
    pub member_number: Option<MemberNumber>,
    pub display_name: DisplayName,
    pub email: Email,
    /// `en` or `es` when the provider says so.
    pub language: Option<&'static str>,
}

/// Every claim the provider sent that the standard types do not name (a tier, a number).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct OtherClaims {
    #[serde(flatten)]
    rest: HashMap<String, Value>,
}
impl AdditionalClaims for OtherClaims {}

impl Oidc {
    pub fn new(config: OidcConfig) -> Result<Oidc, String> {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("identity provider HTTP client: {e}"))?;
        Ok(Oidc(Arc::new(Inner {
            config,
            http,
            metadata: Mutex::new(None),
        })))
    }

    pub fn issuer(&self) -> &str {
        &self.0.config.issuer
    }

    /// The callback address the provider must send members back to.
    pub fn redirect_url(&self, public_base: &str) -> String {
        self.0
            .config
            .redirect_url
            .clone()
            .unwrap_or_else(|| format!("{public_base}/auth/oidc/callback"))
    }

    async fn metadata(&self, refresh: bool) -> Result<CoreProviderMetadata, Failure> {
        let mut cached = self.0.metadata.lock().await;
        if let Some((metadata, at)) = cached.as_ref() {
            let age = at.elapsed();
            if age < METADATA_TTL && !(refresh && age >= KEY_REFRESH_MIN) {
                return Ok(metadata.clone());
            }
        }
        let issuer = IssuerUrl::new(self.0.config.issuer.clone()).map_err(|e| {
            tracing::error!(error = %e, "APP_OIDC_ISSUER is not a URL");
            Failure::UNREACHABLE
        })?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &self.0.http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "identity provider discovery failed");
                Failure::UNREACHABLE
            })?;
        *cached = Some((metadata.clone(), Instant::now()));
        Ok(metadata)
    }

    fn client(
        &self,
        metadata: CoreProviderMetadata,
        redirect: &str,
    ) -> Result<DeskClient, Failure> {
        let redirect = RedirectUrl::new(redirect.to_string()).map_err(|e| {
            tracing::error!(error = %e, "the sign-in callback address is not a URL");
            Failure::UNREACHABLE
        })?;
        Ok(CoreClient::from_provider_metadata(
            metadata,
            ClientId::new(self.0.config.client_id.clone()),
            self.0.config.client_secret.clone().map(ClientSecret::new),
        )
        .set_redirect_uri(redirect))
    }

    /// Where to send the browser, and what to keep in its session until it comes back.
    pub async fn begin(
        &self,
        redirect: &str,
        next: Option<String>,
        now_ms: i64,
    ) -> Result<(String, Pending), Failure> {
        let client = self.client(self.metadata(false).await?, redirect)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client.authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        );
        for scope in &self.0.config.scopes {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let (url, state, nonce) = request.set_pkce_challenge(challenge).url();
        let pending = Pending {
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            verifier: verifier.secret().clone(),
            redirect: redirect.to_string(),
            next,
            at: now_ms,
        };
        Ok((url.to_string(), pending))
    }

    /// Trades the code for tokens, checks the ID token and returns the member's claims (the
    /// ID token's, overlaid by the userinfo answer's).
    pub async fn finish(&self, pending: &Pending, code: &str) -> Result<Profile, Failure> {
        let client = self.client(self.metadata(false).await?, &pending.redirect)?;
        let token_failed = |e: &dyn std::fmt::Display| {
            tracing::warn!(error = %e, "identity provider: the code exchange failed");
            Failure::TOKEN
        };
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| token_failed(&e))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.verifier.clone()))
            .request_async(&self.0.http)
            .await
            .map_err(|e| token_failed(&e))?;
        let id_token = tokens.id_token().ok_or_else(|| {
            tracing::warn!("identity provider: no ID token in the token answer");
            Failure::TOKEN
        })?;
        let nonce = Nonce::new(pending.nonce.clone());
        let first = id_token
            .claims(&client.id_token_verifier(), &nonce)
            .cloned();
        let (client, claims) = match first {
            Ok(claims) => (client, claims),
            Err(ClaimsVerificationError::SignatureVerification(_)) => {
                // Perhaps a key the provider rotated in since we read its keys.
                let client = self.client(self.metadata(true).await?, &pending.redirect)?;
                let claims = id_token
                    .claims(&client.id_token_verifier(), &nonce)
                    .map_err(|e| rejected(&e))?
                    .clone();
                (client, claims)
            }
            Err(e) => return Err(rejected(&e)),
        };
        // The access token must be the one issued with this ID token (not swapped in transit).
        if let Some(expected) = claims.access_token_hash() {
            let verifier = client.id_token_verifier();
            let alg = id_token.signing_alg().map_err(|e| rejected(&e))?;
            let key = id_token.signing_key(&verifier).map_err(|e| rejected(&e))?;
            let actual = AccessTokenHash::from_token(tokens.access_token(), alg, key)
                .map_err(|e| rejected(&e))?;
            if actual != *expected {
                tracing::warn!("identity provider: the access token hash does not match");
                return Err(Failure::TOKEN);
            }
        }
        let mut all = jwt_payload(&id_token.to_string()).ok_or(Failure::TOKEN)?;
        if let Ok(request) = client.user_info(
            tokens.access_token().clone(),
            Some(claims.subject().clone()),
        ) {
            let info: UserInfoClaims<OtherClaims, CoreGenderClaim> =
                request.request_async(&self.0.http).await.map_err(|e| {
                    tracing::warn!(error = %e, "identity provider: userinfo failed");
                    Failure::TOKEN
                })?;
            if let Ok(Value::Object(more)) = serde_json::to_value(&info) {
                all.extend(more);
            }
        }
        profile_from_claims(
            claims.issuer().as_str(),
            claims.subject().as_str(),
            &all,
            &self.0.config.claims,
        )
    }
}

fn rejected(e: &dyn std::fmt::Display) -> Failure {
    tracing::warn!(error = %e, "identity provider: the ID token was refused");
    Failure::TOKEN
}

/// The claims of a JWT whose signature has already been checked.
fn jwt_payload(jwt: &str) -> Option<Map<String, Value>> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// A claim as text: strings as they are, numbers (a member number) written out.
fn text_claim(claims: &Map<String, Value>, name: &str) -> Option<String> {
    match claims.get(name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Reads and checks the member's facts under the configured claim names.
pub fn profile_from_claims(
    issuer: &str,
    subject: &str,
    claims: &Map<String, Value>,
    names: &ClaimNames,
) -> Result<Profile, Failure> {
    let tier = text_claim(claims, &names.tier)
        .and_then(|t| Tier::parse(&t).ok())
        .ok_or(Failure::Problem(SignInProblem::UnknownTier))?;
    let email = text_claim(claims, &names.email)
        .and_then(|e| Email::parse(&e).ok())
        .ok_or(Failure::Problem(SignInProblem::Profile))?;
    let display_name = text_claim(claims, &names.name)
        .and_then(|n| DisplayName::parse(&n).ok())
        .ok_or(Failure::Problem(SignInProblem::Profile))?;
    let member_number = match text_claim(claims, &names.member_number) {
        Some(n) => {
            Some(MemberNumber::parse(&n).map_err(|_| Failure::Problem(SignInProblem::Profile))?)
        }
        None => None,
    };
    let language = text_claim(claims, &names.language).and_then(|l| {
        let primary = l
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "en" => Some("en"),
            "es" => Some("es"),
            _ => None,
        }
    });
    Ok(Profile {
        issuer: issuer.to_string(),
        subject: subject.to_string(),
        tier,
        member_number,
        display_name,
        email,
        language,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(v: Value) -> Map<String, Value> {
        match v {
            Value::Object(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn claims_under_configured_names_make_a_profile() {
        let names = ClaimNames {
            tier: "member_tier".into(),
            member_number: "member_no".into(),
            ..ClaimNames::default()
        };
        let c = claims(serde_json::json!({
            "member_tier": "Blue Diamond", "member_no": 100234, "name": " Ana Ruiz ",
            "email": "ana@example.com", "locale": "es-MX", "tier": "silver"
        }));
        let p = profile_from_claims("https://id", "sub-1", &c, &names).unwrap();
        assert_eq!(p.tier, Tier::BlueDiamond, "the configured claim wins");
        assert_eq!(p.member_number.unwrap().as_str(), "100234");
        assert_eq!(p.display_name.as_str(), "Ana Ruiz");
        assert_eq!(p.language, Some("es"));
    }

    #[test]
    fn an_unknown_or_missing_tier_and_a_bad_profile_are_refused() {
        let names = ClaimNames::default();
        let base = serde_json::json!({"name": "A", "email": "a@example.com"});
        let mut c = claims(base.clone());
        assert_eq!(
            profile_from_claims("i", "s", &c, &names),
            Err(Failure::Problem(SignInProblem::UnknownTier))
        );
        c.insert("tier".into(), "bronze".into());
        assert_eq!(
            profile_from_claims("i", "s", &c, &names),
            Err(Failure::Problem(SignInProblem::UnknownTier))
        );
        c.insert("tier".into(), "gold".into());
        c.insert("email".into(), "not-an-email".into());
        assert_eq!(
            profile_from_claims("i", "s", &c, &names),
            Err(Failure::Problem(SignInProblem::Profile))
        );
        let mut c = claims(base);
        c.insert("tier".into(), "gold".into());
        c.insert("member_number".into(), "12-AB".into());
        assert_eq!(
            profile_from_claims("i", "s", &c, &names),
            Err(Failure::Problem(SignInProblem::Profile))
        );
        c.remove("member_number");
        c.insert("locale".into(), "fr".into());
        let p = profile_from_claims("i", "s", &c, &names).unwrap();
        assert_eq!(
            (p.tier, p.language, p.member_number),
            (Tier::Gold, None, None)
        );
    }
}

//! The acting user's access and its safeguards: grants, preferences, security questions,
//! two-factor authentication, the verified phone number, logins and trusted devices.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::client::Path;
use crate::error::{Error, Result};
use crate::model::{Resource, api_enum, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

use super::ProfileGroup;

operations! {
    GET_GRANTS = GET "/profile/grants";
    GET_PREFERENCES = GET "/profile/preferences";
    UPDATE_PREFERENCES = PUT "/profile/preferences";
    LIST_SECURITY_QUESTIONS = GET "/profile/security-questions";
    ANSWER_SECURITY_QUESTIONS = POST "/profile/security-questions";
    TFA_ENABLE = POST "/profile/tfa-enable";
    TFA_CONFIRM = POST "/profile/tfa-enable-confirm";
    TFA_DISABLE = POST "/profile/tfa-disable";
    SEND_PHONE_CODE = POST "/profile/phone-number";
    VERIFY_PHONE_NUMBER = POST "/profile/phone-number/verify";
    DELETE_PHONE_NUMBER = DELETE "/profile/phone-number";
    LIST_LOGINS = GET "/profile/logins";
    GET_LOGIN = GET "/profile/logins/{loginId}";
    LIST_DEVICES = GET "/profile/devices";
    GET_DEVICE = GET "/profile/devices/{deviceId}";
    DELETE_DEVICE = DELETE "/profile/devices/{deviceId}";
}

/// What a grant lets a restricted user do with an entity or the account (the same type as
/// the account's user grants).
pub type GrantPermission = crate::api::account::Permission;

/// What a restricted user was granted on one entity (the same type as the account's user
/// grants).
pub type EntityGrant = crate::api::account::Grant;

pub use crate::api::account::{GlobalGrants, Grants};

/// A security question and the user's answer to it, if any.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SecurityQuestion {
    /// The question's id, to answer it.
    pub id: u64,
    /// The question.
    #[serde(default, deserialize_with = "null_default")]
    pub question: String,
    /// The answer given, if any.
    #[serde(default)]
    pub response: Option<String>,
}

/// An answered question, as the API returns it after answering.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SecurityAnswer {
    /// The question's id.
    pub question_id: u64,
    /// The answer.
    #[serde(default, deserialize_with = "null_default")]
    pub response: String,
    /// The question.
    #[serde(default, deserialize_with = "null_default")]
    pub security_question: String,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
struct SecurityQuestions<T> {
    #[serde(default = "Vec::new", deserialize_with = "null_default")]
    security_questions: Vec<T>,
}

/// Decodes a secret string the API shows in this answer only.
fn secret<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<SecretString, D::Error> {
    String::deserialize(d).map(SecretString::from)
}

/// How many distinct questions an answer must cover.
const SECURITY_ANSWERS: usize = 3;

/// A two-factor secret waiting for confirmation: feed it to an authenticator app (or a TOTP
/// library) and confirm with a code it generates.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct TfaSecret {
    /// The base32 TOTP secret.
    #[serde(deserialize_with = "secret")]
    pub secret: SecretString,
    /// When it must be confirmed by.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
}

/// The single-use scratch code the API gives when two-factor authentication is turned on: it
/// logs in once without a TOTP code.
#[derive(Debug, Clone, Deserialize)]
#[non_exhaustive]
pub struct TfaScratch {
    /// The code.
    #[serde(deserialize_with = "secret")]
    pub scratch: SecretString,
}

api_enum! {
    /// Whether a login succeeded.
    pub enum LoginStatus {
        /// It did.
        Successful = "successful",
        /// It did not.
        Failed = "failed",
    }
}

/// A login to the user's account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Login {
    /// The login's id.
    pub id: u64,
    /// When it happened.
    #[serde(with = "timestamp")]
    pub datetime: timestamp::Timestamp,
    /// The address it came from.
    #[serde(default, deserialize_with = "null_default")]
    pub ip: String,
    /// Whether the user was restricted.
    #[serde(default, deserialize_with = "null_default")]
    pub restricted: bool,
    /// Whether it succeeded.
    #[serde(default)]
    pub status: Option<LoginStatus>,
    /// Who logged in.
    #[serde(default, deserialize_with = "null_default")]
    pub username: String,
}

impl Resource for Login {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_LOGIN.path(&[id])
    }
}

/// A computer trusted to log in without a two-factor code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrustedDevice {
    /// The device's id.
    pub id: u64,
    /// When it was trusted.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When the trust ends.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
    /// When it last logged in.
    #[serde(default, with = "timestamp::option")]
    pub last_authenticated: Option<timestamp::Timestamp>,
    /// The address it last logged in from.
    #[serde(default, deserialize_with = "null_default")]
    pub last_remote_addr: String,
    /// Its browser's user agent.
    #[serde(default, deserialize_with = "null_default")]
    pub user_agent: String,
}

impl Resource for TrustedDevice {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_DEVICE.path(&[id])
    }
}

/// Answers are 3-17 characters.
fn check_answer(field: &str, response: &str) -> Result<()> {
    if !(3..=17).contains(&response.chars().count()) {
        return Err(Error::invalid(field, "must be 3-17 characters"));
    }
    Ok(())
}

impl ProfileGroup<'_> {
    /// What the user was granted, or `None` for an unrestricted user (who may do anything).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// if let Some(grants) = client.profile().grants().await? {
    ///     println!("may add Linodes: {}", grants.global.add_linodes);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn grants(&self) -> Result<Option<Grants>> {
        self.client.send_optional(GET_GRANTS.request(&[])).await
    }

    /// The preferences stored for the OAuth client of the token: free-form JSON, as it was
    /// last saved.
    pub async fn preferences(&self) -> Result<Map<String, Value>> {
        self.client.send(GET_PREFERENCES.request(&[])).await
    }

    /// Replaces the preferences with `preferences`, kept as given, and returns them.
    pub async fn set_preferences(
        &self,
        preferences: &Map<String, Value>,
    ) -> Result<Map<String, Value>> {
        self.client
            .send(UPDATE_PREFERENCES.with_body(&[], preferences)?)
            .await
    }

    /// The security questions, with the user's answers.
    pub async fn security_questions(&self) -> Result<Vec<SecurityQuestion>> {
        let answer: SecurityQuestions<SecurityQuestion> = self
            .client
            .send(LIST_SECURITY_QUESTIONS.request(&[]))
            .await?;
        Ok(answer.security_questions)
    }

    /// Answers exactly three distinct questions (`(question id, answer)`, answers of 3-17
    /// characters); answers to other questions are cleared.
    pub async fn answer_security_questions(
        &self,
        answers: &[(u64, &str)],
    ) -> Result<Vec<SecurityAnswer>> {
        if answers.len() != SECURITY_ANSWERS {
            return Err(Error::invalid(
                "security_questions",
                "must answer exactly three questions",
            ));
        }
        for (i, (id, response)) in answers.iter().enumerate() {
            if answers[..i].iter().any(|(other, _)| other == id) {
                return Err(Error::invalid(
                    format!("security_questions[{i}].question_id"),
                    "is answered twice",
                ));
            }
            check_answer(&format!("security_questions[{i}].response"), response)?;
        }
        let body = serde_json::json!({
            "security_questions": answers
                .iter()
                .map(|(id, response)| serde_json::json!({"question_id": id, "response": response}))
                .collect::<Vec<_>>(),
        });
        let answer: SecurityQuestions<SecurityAnswer> = self
            .client
            .send(ANSWER_SECURITY_QUESTIONS.with_body(&[], &body)?)
            .await?;
        Ok(answer.security_questions)
    }

    /// Starts turning on two-factor authentication: returns the TOTP secret to confirm with
    /// [`confirm_tfa`](ProfileGroup::confirm_tfa).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client, code_from_app: &str) -> linode::Result<()> {
    /// let secret = client.profile().enable_tfa().await?;
    /// // Enter `secret.secret` in an authenticator app, then:
    /// let scratch = client.profile().confirm_tfa(code_from_app).await?;
    /// # Ok(()) }
    /// ```
    pub async fn enable_tfa(&self) -> Result<TfaSecret> {
        self.client
            .send(TFA_ENABLE.with_body(&[], &serde_json::json!({}))?)
            .await
    }

    /// Turns two-factor authentication on with a current six-digit code from the secret,
    /// and returns the scratch code.
    pub async fn confirm_tfa(&self, tfa_code: &str) -> Result<TfaScratch> {
        if tfa_code.len() != 6 || !tfa_code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("tfa_code", "must be six digits"));
        }
        self.client
            .send(TFA_CONFIRM.with_body(&[], &serde_json::json!({ "tfa_code": tfa_code }))?)
            .await
    }

    /// Turns two-factor authentication off.
    pub async fn disable_tfa(&self) -> Result<()> {
        self.client
            .send_empty(TFA_DISABLE.with_body(&[], &serde_json::json!({}))?)
            .await
    }

    /// Sends a verification code by SMS to `phone_number` in the country `iso_code` (two
    /// letters, such as `US`).
    pub async fn send_phone_code(&self, iso_code: &str, phone_number: &str) -> Result<()> {
        if iso_code.len() != 2 || !iso_code.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid(
                "iso_code",
                "must be a two-letter country code",
            ));
        }
        let digits = phone_number.bytes().filter(u8::is_ascii_digit).count();
        if !(4..=15).contains(&digits)
            || !phone_number
                .bytes()
                .all(|b| b.is_ascii_digit() || b" -().+".contains(&b))
        {
            return Err(Error::invalid("phone_number", "is not a phone number"));
        }
        let body = serde_json::json!({ "iso_code": iso_code, "phone_number": phone_number });
        self.client
            .send_empty(SEND_PHONE_CODE.with_body(&[], &body)?)
            .await
    }

    /// Verifies the phone number with the code received by SMS: it becomes the profile's
    /// `verified_phone_number`.
    pub async fn verify_phone_number(&self, otp_code: &SecretString) -> Result<()> {
        let code = otp_code.expose_secret();
        if code.trim().is_empty() {
            return Err(Error::invalid("otp_code", "is empty"));
        }
        let body = serde_json::json!({ "otp_code": code });
        self.client
            .send_empty(VERIFY_PHONE_NUMBER.with_body(&[], &body)?)
            .await
    }

    /// Removes the verified phone number (no more SMS).
    pub async fn delete_phone_number(&self) -> Result<()> {
        self.client
            .send_empty(DELETE_PHONE_NUMBER.request(&[]))
            .await
    }

    /// Lists the logins to the user's account.
    pub fn logins(&self) -> ListRequest<Login> {
        ListRequest::new(self.client, LIST_LOGINS.path(&[]))
    }

    /// Loads one login.
    pub async fn login(&self, id: u64) -> Result<Login> {
        self.client.load::<Login>(id).await
    }

    /// Lists the trusted devices.
    pub fn devices(&self) -> ListRequest<TrustedDevice> {
        ListRequest::new(self.client, LIST_DEVICES.path(&[]))
    }

    /// Loads one trusted device.
    pub async fn device(&self, id: u64) -> Result<TrustedDevice> {
        self.client.load::<TrustedDevice>(id).await
    }

    /// Stops trusting a device: its next login needs a two-factor code.
    pub async fn delete_device(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_DEVICE.request(&[&id])).await
    }
}

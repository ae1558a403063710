//! `POST /marketplace`: partner referrals. Each accepted request is kept (collection
//! `marketplace_contacts`, with the time it came) as the referral Akamai would pass on; the API
//! answers with an empty object.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::post;
use serde_json::{Map, Value, json};

use super::checks::{Checks, is_email};
use super::{AppState, JsonObject};
use crate::error::ApiError;
use crate::store::now;

const TABLE: &str = "marketplace_contacts";

pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/marketplace", post(create_contact))
}

/// Checks a referral; answers the fields to keep.
fn check(body: &Map<String, Value>) -> Result<Map<String, Value>, ApiError> {
    let mut checks = Checks::default();
    for key in [
        "product_name",
        "partner_name",
        "name",
        "email",
        "phone",
        "phone_country_code",
        "country_code",
        "tc_consent_given",
    ] {
        checks.require(body, key);
    }
    for key in ["product_name", "partner_name", "name", "company_name"] {
        checks.string(body, key);
    }
    for key in ["email", "account_executive_email"] {
        if checks.string(body, key).is_some_and(|e| !is_email(&e)) {
            checks.add(key, "Must be a valid email address");
        }
    }
    if let Some(phone) = checks.string(body, "phone") {
        if !phone.chars().all(|c| c.is_ascii_digit() || c == ' ') || phone.trim().is_empty() {
            checks.add("phone", "Phone number may only contain numbers and spaces");
        }
    }
    if let Some(code) = checks.string(body, "phone_country_code") {
        let digits = code.strip_prefix('+').unwrap_or_default();
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            checks.add(
                "phone_country_code",
                "Must be + followed by the country's prefix",
            );
        }
    }
    if let Some(country) = checks.string(body, "country_code") {
        if country.len() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
            checks.add("country_code", "Must be a two-letter ISO 3166 country code");
        }
    }
    if checks.boolean(body, "tc_consent_given") == Some(false) {
        checks.add(
            "tc_consent_given",
            "Consent is required to share your information with the partner",
        );
    }
    if let Some(comments) = checks.string(body, "comments") {
        checks.length("comments", &comments, 0, 500);
    }
    if let Some(emails) = checks.strings(body, "additional_emails") {
        if emails.len() > 2 {
            checks.add(
                "additional_emails",
                "At most 2 additional emails are allowed",
            );
        } else if emails.iter().any(|e| !is_email(e)) {
            checks.add("additional_emails", "Must be valid email addresses");
        }
    }
    checks.finish(())?;
    Ok(body.clone())
}

async fn create_contact(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut contact = check(&body)?;
    let mut store = state.store();
    let id = store.next_id("marketplace_contact", 1);
    contact.insert("id".into(), Value::from(id));
    contact.insert("received".into(), Value::from(now()));
    store.table_mut(TABLE).insert(id, Value::Object(contact));
    Ok(Json(json!({})))
}

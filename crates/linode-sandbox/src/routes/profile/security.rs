//! The acting user's grants, preferences and login safeguards.
//!
//! State rules:
//! - `GET /profile/grants` answers `204` with no body while the profile is unrestricted;
//!   a restricted profile gets its grants, leaving out entities it has no permission on.
//! - Preferences are one free-form JSON object, stored and returned exactly as given (one for
//!   the whole sandbox, where the API keeps one per OAuth client).
//! - Security questions are answered three at a time, three distinct known questions with
//!   answers of 3-17 characters; answering replaces every earlier answer.
//! - Two-factor authentication: `tfa-enable` needs three answered security questions and 2FA
//!   off; it issues a TOTP secret (SHA-1, six digits, 30 s) valid for ten minutes.
//!   `tfa-enable-confirm` checks a current code from that secret against the real time and
//!   turns `two_factor_auth` on; `tfa-disable` needs it on and turns it off.
//! - Phone number: sending a code keeps it for ten minutes (tests read it with
//!   `Sandbox::sent_phone_code`); verifying with it sets `verified_phone_number`; deleting
//!   needs a verified number.
//! - Logins and trusted devices are read from the `profile_logins` and `trusted_devices`
//!   collections (the sandbox has no browser logins); deleting a device forgets it.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Json, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value, json};
use totp_rs::{Algorithm, Secret, TOTP};

use super::super::checks::Checks;
use super::super::{AppState, JsonObject, delete_from_table, get_from_table, list_table};
use crate::account::random_hex;
use crate::error::ApiError;
use crate::store::{Store, format_time};

/// The collection holding the profile's own state (one object, id [`STATE`]).
const PROFILE_STATE: &str = "profile_state";
const STATE: u64 = 1;
/// The collection of the profile's grants (one object, id [`STATE`]).
pub(crate) const PROFILE_GRANTS: &str = "profile_grants";
const LOGINS: &str = "profile_logins";
const DEVICES: &str = "trusted_devices";

/// How long a TFA secret and an SMS code stay valid.
const CODE_LIFETIME: Duration = Duration::from_secs(600);
/// How many questions an answer must cover.
const ANSWERS: usize = 3;

/// The questions users choose from.
const QUESTIONS: &[&str] = &[
    "In what city were you born?",
    "What was the name of your first pet?",
    "What is your mother's maiden name?",
    "What was the make of your first car?",
    "What was the name of your elementary school?",
    "In what city did your parents meet?",
    "What is the name of your favorite childhood friend?",
    "What was your childhood nickname?",
    "What street did you grow up on?",
    "What was the first concert you attended?",
];

/// Country calling codes for the ISO codes the sandbox sends SMS to.
const CALLING_CODES: &[(&str, &str)] = &[
    ("US", "1"),
    ("CA", "1"),
    ("GB", "44"),
    ("DE", "49"),
    ("FR", "33"),
    ("NL", "31"),
    ("IN", "91"),
    ("JP", "81"),
    ("AU", "61"),
    ("BR", "55"),
    ("SG", "65"),
];

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/profile/grants", get(get_grants))
        .route(
            "/profile/preferences",
            get(get_preferences).put(put_preferences),
        )
        .route(
            "/profile/security-questions",
            get(list_questions).post(answer_questions),
        )
        .route("/profile/tfa-enable", post(tfa_enable))
        .route("/profile/tfa-enable-confirm", post(tfa_confirm))
        .route("/profile/tfa-disable", post(tfa_disable))
        .route(
            "/profile/phone-number",
            post(send_phone_code).delete(delete_phone_number),
        )
        .route("/profile/phone-number/verify", post(verify_phone_number))
        .route("/profile/logins", list_table(LOGINS, &[]))
        .route("/profile/logins/{id}", get_from_table(LOGINS))
        .route("/profile/devices", list_table(DEVICES, &[]))
        .route(
            "/profile/devices/{id}",
            get_from_table(DEVICES).merge(delete_from_table(DEVICES)),
        )
}

/// The profile's own state object, created empty on first use.
fn state_mut(store: &mut Store) -> &mut Map<String, Value> {
    let table = store.table_mut(PROFILE_STATE);
    if table.get(STATE).is_none() {
        table.insert(STATE, json!({}));
    }
    table
        .get_mut(STATE)
        .and_then(Value::as_object_mut)
        .expect("the profile state is an object")
}

fn state_get(store: &Store, key: &str) -> Value {
    store
        .table(PROFILE_STATE)
        .get(STATE)
        .and_then(|s| s.get(key))
        .cloned()
        .unwrap_or(Value::Null)
}

/// Whether a pending code (with its `expires` time) is still valid.
fn still_valid(store: &Store, pending: &Value) -> bool {
    pending["expires"]
        .as_u64()
        .is_some_and(|at| store_secs(store) <= at)
}

fn store_secs(store: &Store) -> u64 {
    store
        .clock
        .wall()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default()
}

// Grants -------------------------------------------------------------------------------------

async fn get_grants(State(state): State<AppState>) -> Response {
    let store = state.store();
    if store.profile()["restricted"] != true {
        return StatusCode::NO_CONTENT.into_response();
    }
    let mut grants = store
        .table(PROFILE_GRANTS)
        .get(STATE)
        .cloned()
        .unwrap_or_else(|| json!({}));
    // Entities the user may not touch are not shown at all.
    if let Some(families) = grants.as_object_mut() {
        for (family, entries) in families.iter_mut() {
            if let (false, Some(list)) = (family == "global", entries.as_array_mut()) {
                list.retain(|e| !e["permissions"].is_null());
            }
        }
    }
    Json(grants).into_response()
}

// Preferences --------------------------------------------------------------------------------

async fn get_preferences(State(state): State<AppState>) -> Json<Value> {
    let prefs = state_get(&state.store(), "preferences");
    Json(if prefs.is_null() { json!({}) } else { prefs })
}

async fn put_preferences(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Json<Value> {
    let prefs = Value::Object(body);
    state_mut(&mut state.store()).insert("preferences".into(), prefs.clone());
    Json(prefs)
}

// Security questions -------------------------------------------------------------------------

fn answers(store: &Store) -> Map<String, Value> {
    state_get(store, "security_answers")
        .as_object()
        .cloned()
        .unwrap_or_default()
}

async fn list_questions(State(state): State<AppState>) -> Json<Value> {
    let answers = answers(&state.store());
    let questions: Vec<Value> = QUESTIONS
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let id = i + 1;
            json!({"id": id, "question": q, "response": answers.get(&id.to_string()).cloned()})
        })
        .collect();
    Json(json!({ "security_questions": questions }))
}

/// Takes exactly three distinct known questions with 3-17 character answers; the answers
/// replace all earlier ones.
async fn answer_questions(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let items = match body.get("security_questions") {
        Some(Value::Array(items)) if items.len() == ANSWERS => items.clone(),
        Some(Value::Array(_)) => {
            c.add(
                "security_questions",
                "Exactly three questions must be answered",
            );
            vec![]
        }
        _ => {
            c.add("security_questions", "security_questions is required");
            vec![]
        }
    };
    let mut chosen = Map::new();
    for (i, item) in items.iter().enumerate() {
        let field = format!("security_questions[{i}]");
        let Some(item) = item.as_object() else {
            c.add(&field, "Must be an object");
            continue;
        };
        let id = item.get("question_id").and_then(Value::as_u64);
        match id {
            Some(id) if (1..=QUESTIONS.len() as u64).contains(&id) => {
                if chosen.contains_key(&id.to_string()) {
                    c.add(
                        &format!("{field}.question_id"),
                        "Each question may be answered once",
                    );
                }
            }
            _ => c.add(&format!("{field}.question_id"), "Unknown security question"),
        }
        let response = item.get("response").and_then(Value::as_str).unwrap_or("");
        if c.length(&format!("{field}.response"), response, 3, 17) {
            if let Some(id) = id {
                chosen.insert(id.to_string(), Value::from(response));
            }
        }
    }
    c.finish(())?;
    state_mut(&mut state.store()).insert("security_answers".into(), Value::Object(chosen.clone()));
    let answered: Vec<Value> = chosen
        .iter()
        .map(|(id, response)| {
            let n: usize = id.parse().unwrap_or(1);
            json!({"question_id": n, "response": response, "security_question": QUESTIONS[n - 1]})
        })
        .collect();
    Ok(Json(json!({ "security_questions": answered })))
}

// Two-factor authentication ------------------------------------------------------------------

fn tfa_on(store: &Store) -> bool {
    store.profile()["two_factor_auth"] == true
}

/// Sets the profile's `two_factor_auth`, and the acting user's `tfa_enabled` with it.
fn set_tfa(store: &mut Store, on: bool) {
    store.profile_mut()["two_factor_auth"] = Value::from(on);
    let owner = store.profile()["username"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if let Some(user) = store.user_mut(&owner) {
        if user.get("tfa_enabled").is_some() {
            user["tfa_enabled"] = Value::from(on);
        }
    }
}

/// The TOTP the API's authenticator apps use: SHA-1, six digits, 30-second steps, one step
/// of clock drift either way.
fn totp(secret_base32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_base32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).ok()
}

async fn tfa_enable(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if tfa_on(&store) {
        return Err(ApiError::bad_request(
            "Two factor authentication is already enabled.",
        ));
    }
    if answers(&store).len() < ANSWERS {
        return Err(ApiError::bad_request(
            "You must answer your security questions before enabling two factor authentication.",
        ));
    }
    let raw: Vec<u8> = (0..20).map(|_| rand::random::<u8>()).collect();
    let secret = Secret::Raw(raw).to_encoded().to_string();
    let expires = store.clock.wall() + CODE_LIFETIME;
    let at = store_secs(&store) + CODE_LIFETIME.as_secs();
    state_mut(&mut store).insert(
        "tfa_pending".into(),
        json!({"secret": secret, "expires": at}),
    );
    Ok(Json(
        json!({"secret": secret, "expiry": format_time(expires)}),
    ))
}

async fn tfa_confirm(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let code = c.required(&body, "tfa_code");
    let code = c.finish(code.unwrap_or_default())?;
    let mut store = state.store();
    if tfa_on(&store) {
        return Err(ApiError::bad_request(
            "Two factor authentication is already enabled.",
        ));
    }
    let pending = state_get(&store, "tfa_pending");
    if pending.is_null() || !still_valid(&store, &pending) {
        return Err(ApiError::bad_request(
            "No two factor secret is waiting for confirmation; call tfa-enable first.",
        ));
    }
    let valid = totp(pending["secret"].as_str().unwrap_or_default())
        .and_then(|t| t.check_current(code.trim()).ok())
        .unwrap_or(false);
    if !valid {
        return Err(ApiError::field(
            "tfa_code",
            "Invalid token. Two-factor code is not valid.",
        ));
    }
    state_mut(&mut store).remove("tfa_pending");
    set_tfa(&mut store, true);
    Ok(Json(json!({ "scratch": random_hex(8) })))
}

async fn tfa_disable(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if !tfa_on(&store) {
        return Err(ApiError::bad_request(
            "Two factor authentication is not enabled.",
        ));
    }
    set_tfa(&mut store, false);
    Ok(Json(json!({})))
}

// Phone number -------------------------------------------------------------------------------

/// The code the sandbox last "sent" by SMS, while it is still valid.
pub(crate) fn sent_phone_code(store: &Store) -> Option<String> {
    let pending = state_get(store, "phone_pending");
    still_valid(store, &pending)
        .then(|| pending["code"].as_str().map(str::to_owned))
        .flatten()
}

async fn send_phone_code(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let iso = c.required(&body, "iso_code");
    let number = c.required(&body, "phone_number");
    let calling = iso.as_deref().and_then(|iso| {
        CALLING_CODES
            .iter()
            .find(|(code, _)| code.eq_ignore_ascii_case(iso))
            .map(|(_, calling)| *calling)
    });
    if iso.is_some() && calling.is_none() {
        c.add("iso_code", "Invalid ISO country code");
    }
    let digits: String = number
        .as_deref()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let shaped = number.as_deref().is_some_and(|n| {
        n.chars()
            .all(|ch| ch.is_ascii_digit() || " -().+".contains(ch))
    });
    if number.is_some() && (!shaped || !(4..=15).contains(&digits.len())) {
        c.add("phone_number", "Invalid phone number");
    }
    c.finish(())?;
    let mut store = state.store();
    let code = format!("{:06}", rand::random::<u32>() % 1_000_000);
    let at = store_secs(&store) + CODE_LIFETIME.as_secs();
    let e164 = format!("+{}{}", calling.unwrap_or_default(), digits);
    state_mut(&mut store).insert(
        "phone_pending".into(),
        json!({"number": e164, "code": code, "expires": at}),
    );
    Ok(Json(json!({})))
}

async fn verify_phone_number(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let code = c.required(&body, "otp_code");
    let code = c.finish(code.unwrap_or_default())?;
    let mut store = state.store();
    let Some(expected) = sent_phone_code(&store) else {
        return Err(ApiError::bad_request(
            "No verification code was sent, or it expired; send a new one.",
        ));
    };
    if code.trim() != expected {
        return Err(ApiError::field("otp_code", "Invalid verification code"));
    }
    let number = state_get(&store, "phone_pending")["number"].clone();
    state_mut(&mut store).remove("phone_pending");
    store.profile_mut()["verified_phone_number"] = number;
    Ok(Json(json!({})))
}

async fn delete_phone_number(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    if store.profile()["verified_phone_number"].is_null() {
        return Err(ApiError::bad_request("No verified phone number to delete."));
    }
    store.profile_mut()["verified_phone_number"] = Value::Null;
    Ok(Json(json!({})))
}

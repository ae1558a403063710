//! Paying for the account: `/account/credit-card`, `/account/payment-methods`,
//! `POST /account/payments` (card and PayPal) and `/account/promo-codes`.
//!
//! State rules:
//! - The account starts with one payment method, the card already on file (`Visa` ending in
//!   1111), which is the default. Adding a card with `/account/credit-card` adds a payment
//!   method that becomes the default and replaces the account's `credit_card`; exactly one
//!   method is the default at any time, and the default one cannot be deleted.
//! - A payment (`usd` as text or a number, more than 0, at most two decimals, at most
//!   50 000) is charged to the given method (or the default) and lowers the balance; it
//!   appears in `GET /account/payments`.
//! - PayPal: staging answers a `payment_id` (amount 5 to 500 dollars); executing it once
//!   with any `payer_id` records the payment. A second execution is refused.
//! - Promo codes: `SANDBOX10` and `SANDBOX100` exist; each may be applied once and adds
//!   to `active_promotions`.
//!
//! Nothing is charged anywhere: card numbers are checked for shape only and never kept
//! beyond their last four digits.

use axum::Router;
use axum::extract::State;
use axum::response::Json;
use axum::routing::post;
use serde_json::{Map, Value, json};

use super::super::checks::{Checks, is_http_url};
use super::super::{ApiPath, AppState, JsonObject, ListRequest, get_response, list_response};
use super::account_entity;
use crate::account::random_hex;
use crate::error::ApiError;
use crate::lifecycle::Action;
use crate::store::{Store, now};

const METHODS: &str = "payment_methods";
const PAYPAL: &str = "paypal_payments";

pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/account/credit-card", post(add_credit_card))
        .route(
            "/account/payment-methods",
            axum::routing::get(list_methods).post(add_method),
        )
        .route(
            "/account/payment-methods/{id}",
            axum::routing::get(get_method).delete(delete_method),
        )
        .route(
            "/account/payment-methods/{id}/make-default",
            post(make_default),
        )
        .route("/account/payments", post(make_payment))
        .route("/account/payments/paypal", post(stage_paypal))
        .route("/account/payments/paypal/execute", post(execute_paypal))
        .route("/account/promo-codes", post(add_promo_code))
}

/// The payment methods, with the card on file seeded on first use.
fn methods(store: &mut Store) -> &mut crate::store::Table {
    if store.table(METHODS).is_empty() {
        let id = store.next_id("payment_method", 1);
        let card = &store.account()["credit_card"];
        let method = json!({
            "id": id,
            "type": "credit_card",
            "is_default": true,
            "created": store.account()["active_since"].clone(),
            "data": {
                "card_type": "Visa",
                "last_four": card["last_four"].clone(),
                "expiry": card["expiry"].clone(),
            }
        });
        store.table_mut(METHODS).insert(id, method);
    }
    store.table_mut(METHODS)
}

/// A card's fields (`{prefix}card_number`, ...): its public `data` when valid.
fn check_card(c: &mut Checks, body: &Map<String, Value>, prefix: &str) -> Option<Value> {
    let field = |key: &str| format!("{prefix}{key}");
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mut number = None;
    match body.get("card_number").and_then(Value::as_str) {
        Some(n) if (13..=23).contains(&n.len()) && digits(n) => number = Some(n.to_owned()),
        Some(_) => c.add(&field("card_number"), "Invalid credit card number"),
        None => c.add(&field("card_number"), "card_number is required"),
    }
    let month = body.get("expiry_month").and_then(Value::as_u64);
    if !month.is_some_and(|m| (1..=12).contains(&m)) {
        c.add(&field("expiry_month"), "Must be a month from 1 to 12");
    }
    let year = body.get("expiry_year").and_then(Value::as_u64);
    if !year.is_some_and(|y| (1000..=9999).contains(&y)) {
        c.add(&field("expiry_year"), "Must be a four-digit year");
    } else if year.is_some_and(|y| y < 2025) {
        c.add(&field("expiry_year"), "Credit card is expired");
    }
    let cvv = body
        .get("cvv")
        .and_then(Value::as_str)
        .is_some_and(|v| (3..=4).contains(&v.len()) && digits(v));
    if !cvv {
        c.add(&field("cvv"), "CVV must be 3 or 4 digits");
    }
    let number = number?;
    let (month, year) = (month?, year?);
    Some(json!({
        "card_type": if number.starts_with('4') { "Visa" } else if number.starts_with('5') { "MasterCard" } else { "Discover" },
        "last_four": &number[number.len() - 4..],
        "expiry": format!("{month:02}/{year}"),
    }))
}

/// Stores a card as a payment method, the default one when `default`.
fn add_card(store: &mut Store, data: Value, default: bool) {
    methods(store);
    if default {
        for (_, method) in store.table_mut(METHODS).iter_mut() {
            method["is_default"] = Value::from(false);
        }
        store.account_mut()["credit_card"] =
            json!({"last_four": data["last_four"].clone(), "expiry": data["expiry"].clone()});
    }
    let id = store.next_id("payment_method", 1);
    let method = json!({
        "id": id, "type": "credit_card", "is_default": default, "created": now(), "data": data
    });
    store.table_mut(METHODS).insert(id, method);
    let entity = account_entity(store.account());
    store.record(Action::new("payment_method_add", entity));
}

async fn add_credit_card(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let data = check_card(&mut c, &body, "");
    let data = c
        .finish(data)?
        .ok_or_else(|| ApiError::bad_request("Invalid card"))?;
    add_card(&mut state.store(), data, true);
    Ok(Json(json!({})))
}

async fn add_method(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    if body.get("type").and_then(Value::as_str) != Some("credit_card") {
        c.add("type", "Must be credit_card");
    }
    let is_default = match body.get("is_default") {
        Some(Value::Bool(b)) => *b,
        _ => {
            c.add("is_default", "is_default is required and must be a boolean");
            false
        }
    };
    let data = match body.get("data") {
        Some(Value::Object(data)) => check_card(&mut c, data, "data."),
        _ => {
            c.add("data", "data is required");
            None
        }
    };
    let data = c
        .finish(data)?
        .ok_or_else(|| ApiError::bad_request("Invalid card"))?;
    add_card(&mut state.store(), data, is_default);
    Ok(Json(json!({})))
}

async fn list_methods(
    State(state): State<AppState>,
    req: ListRequest,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    list_response(methods(&mut store).values(), &[], &req)
}

async fn get_method(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    get_response(methods(&mut store).get(id))
}

async fn delete_method(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let method = methods(&mut store)
        .get(id)
        .ok_or_else(ApiError::not_found)?;
    if method["is_default"] == true {
        return Err(ApiError::bad_request(
            "You cannot delete your default payment method",
        ));
    }
    store.table_mut(METHODS).remove(id);
    let entity = account_entity(store.account());
    store.record(Action::new("payment_method_delete", entity));
    Ok(Json(json!({})))
}

async fn make_default(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<u64>,
) -> Result<Json<Value>, ApiError> {
    let mut store = state.store();
    let data = methods(&mut store)
        .get(id)
        .ok_or_else(ApiError::not_found)?["data"]
        .clone();
    for (other, method) in store.table_mut(METHODS).iter_mut() {
        method["is_default"] = Value::from(other == id);
    }
    store.account_mut()["credit_card"] =
        json!({"last_four": data["last_four"].clone(), "expiry": data["expiry"].clone()});
    Ok(Json(json!({})))
}

/// An amount in dollars, as text or a number: more than 0, at most two decimals, at most
/// `max`.
fn check_usd(c: &mut Checks, body: &Map<String, Value>, min: f64, max: f64) -> Option<f64> {
    let text = match body.get("usd") {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => {
            c.add("usd", "usd is required");
            return None;
        }
    };
    let cents = text.split_once('.').map_or(0, |(_, d)| d.len());
    match text.parse::<f64>() {
        Ok(v) if cents <= 2 && v > 0.0 && v >= min && v <= max => Some(v),
        _ => {
            c.add(
                "usd",
                format!("Must be an amount from {min:.2} to {max:.2} with at most two decimals"),
            );
            None
        }
    }
}

/// Records a payment of `usd` and lowers the balance.
fn record_payment(store: &mut Store, usd: f64) -> Value {
    let id = store.next_id("payment", 6_000_000);
    let payment = json!({"id": id, "date": now(), "usd": usd});
    store
        .table_mut(crate::account::names::PAYMENTS)
        .insert(id, payment.clone());
    let balance = store.account()["balance"].as_f64().unwrap_or(0.0) - usd;
    store.account_mut()["balance"] = json!((balance * 100.0).round() / 100.0);
    let entity = account_entity(store.account());
    store.record(Action::new("payment_submitted", entity));
    payment
}

async fn make_payment(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let usd = check_usd(&mut c, &body, 0.01, 50_000.0);
    let method_id = c.unsigned(&body, "payment_method_id");
    if let Some(cvv) = c.string(&body, "cvv")
        && !((3..=4).contains(&cvv.len()) && cvv.bytes().all(|b| b.is_ascii_digit()))
    {
        c.add("cvv", "CVV must be 3 or 4 digits");
    }
    let mut store = state.store();
    if let Some(id) = method_id
        && methods(&mut store).get(id).is_none()
    {
        c.add("payment_method_id", "Payment method not found");
    }
    let usd = c.finish(usd.unwrap_or_default())?;
    Ok(Json(record_payment(&mut store, usd)))
}

async fn stage_paypal(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let usd = check_usd(&mut c, &body, 5.0, 500.0);
    for key in ["redirect_url", "cancel_url"] {
        if c.required(&body, key).is_some_and(|u| !is_http_url(&u)) {
            c.add(key, "Must be a valid http or https URL");
        }
    }
    let usd = c.finish(usd.unwrap_or_default())?;
    let payment_id = format!("PAY-{}", random_hex(12).to_uppercase());
    let staged = json!({
        "payment_id": payment_id,
        "checkout_token": format!("EC-{}", random_hex(8).to_uppercase()),
        "usd": usd,
        "executed": false,
    });
    let mut store = state.store();
    let id = store.next_id("paypal_payment", 1);
    store.table_mut(PAYPAL).insert(id, staged.clone());
    Ok(Json(json!({
        "payment_id": staged["payment_id"], "checkout_token": staged["checkout_token"]
    })))
}

async fn execute_paypal(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let payment_id = c.required(&body, "payment_id");
    c.required(&body, "payer_id");
    let payment_id = c.finish(payment_id.unwrap_or_default())?;
    let mut store = state.store();
    let found = store
        .table_mut(PAYPAL)
        .iter_mut()
        .find(|(_, p)| p["payment_id"] == payment_id.as_str())
        .map(|(id, p)| (id, p["executed"] == true, p["usd"].as_f64().unwrap_or(0.0)));
    let Some((id, executed, usd)) = found else {
        return Err(ApiError::field("payment_id", "Invalid payment_id"));
    };
    if executed {
        return Err(ApiError::field(
            "payment_id",
            "This payment has already been executed",
        ));
    }
    if let Some(p) = store.table_mut(PAYPAL).get_mut(id) {
        p["executed"] = Value::from(true);
    }
    record_payment(&mut store, usd);
    Ok(Json(json!({})))
}

/// The promotion a code gives, if the code exists.
fn promotion(code: &str) -> Option<Value> {
    let credit = match code {
        "SANDBOX10" => "10.00",
        "SANDBOX100" => "100.00",
        _ => return None,
    };
    Some(json!({
        "summary": format!("${credit} off your Linode services"),
        "description": format!("A ${credit} credit applied to your account."),
        "credit_monthly_cap": credit,
        "credit_remaining": credit,
        "this_month_credit_remaining": credit,
        "expire_dt": "2030-12-31T00:00:00",
        "image_url": null,
        "service_type": "all",
        "code": code,
    }))
}

async fn add_promo_code(
    State(state): State<AppState>,
    JsonObject(body): JsonObject,
) -> Result<Json<Value>, ApiError> {
    let mut c = Checks::default();
    let code = c.required(&body, "promo_code");
    if let Some(code) = &code {
        c.length("promo_code", code, 1, 32);
    }
    let code = c.finish(code.unwrap_or_default())?;
    let promo =
        promotion(&code).ok_or_else(|| ApiError::field("promo_code", "Invalid promo code"))?;
    let mut store = state.store();
    let promotions = &mut store.account_mut()["active_promotions"];
    if promotions
        .as_array()
        .is_some_and(|all| all.iter().any(|p| p["code"] == code.as_str()))
    {
        return Err(ApiError::field(
            "promo_code",
            "This promo code has already been applied",
        ));
    }
    let mut shown = promo.clone();
    if let Some(map) = shown.as_object_mut() {
        map.remove("code");
    }
    match promotions.as_array_mut() {
        Some(all) => all.push(promo),
        None => *promotions = json!([promo]),
    }
    let entity = account_entity(store.account());
    store.record(Action::new("promo_code_add", entity));
    Ok(Json(shown))
}

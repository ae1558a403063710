//! Paying for the account: the card on file, payment methods, payments (card and PayPal) and
//! promo codes. Card numbers and CVVs are [`SecretString`]s: they never appear in `Debug`.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize, Serializer};

use super::{AccountGroup, Payment};
use crate::client::Path;
use crate::error::{Error, Result};
use crate::model::{Resource, api_enum, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    ADD_CREDIT_CARD = POST "/account/credit-card";
    LIST_PAYMENT_METHODS = GET "/account/payment-methods";
    ADD_PAYMENT_METHOD = POST "/account/payment-methods";
    GET_PAYMENT_METHOD = GET "/account/payment-methods/{paymentMethodId}";
    DELETE_PAYMENT_METHOD = DELETE "/account/payment-methods/{paymentMethodId}";
    MAKE_DEFAULT_PAYMENT_METHOD = POST "/account/payment-methods/{paymentMethodId}/make-default";
    MAKE_PAYMENT = POST "/account/payments";
    STAGE_PAYPAL_PAYMENT = POST "/account/payments/paypal";
    EXECUTE_PAYPAL_PAYMENT = POST "/account/payments/paypal/execute";
    ADD_PROMO_CODE = POST "/account/promo-codes";
}

fn expose<S: Serializer>(secret: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(secret.expose_secret())
}

/// A credit card to put on file: its number, expiry and CVV.
///
/// ```
/// use linode::api::account::NewCard;
/// let card = NewCard::new("4111111111111111", 12, 2030, "123");
/// assert!(!format!("{card:?}").contains("4111"));
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct NewCard {
    /// The card number (digits only).
    #[serde(serialize_with = "expose")]
    pub card_number: SecretString,
    /// Expiry month, 1-12.
    pub expiry_month: u32,
    /// Expiry year, four digits.
    pub expiry_year: u32,
    /// The card's verification value.
    #[serde(serialize_with = "expose")]
    pub cvv: SecretString,
}

impl NewCard {
    /// A card numbered `card_number` expiring at `expiry_month`/`expiry_year`.
    pub fn new(
        card_number: impl Into<String>,
        expiry_month: u32,
        expiry_year: u32,
        cvv: impl Into<String>,
    ) -> Self {
        NewCard {
            card_number: SecretString::from(card_number.into()),
            expiry_month,
            expiry_year,
            cvv: SecretString::from(cvv.into()),
        }
    }

    /// Refuses what the API would refuse, before any request.
    fn check(&self) -> Result<()> {
        let number = self.card_number.expose_secret();
        if !(13..=23).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("card_number", "must be 13 to 23 digits"));
        }
        if !(1..=12).contains(&self.expiry_month) {
            return Err(Error::invalid("expiry_month", "must be 1 to 12"));
        }
        if !(1000..=9999).contains(&self.expiry_year) {
            return Err(Error::invalid("expiry_year", "must have four digits"));
        }
        let cvv = self.cvv.expose_secret();
        if !(3..=4).contains(&cvv.len()) || !cvv.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Error::invalid("cvv", "must be 3 or 4 digits"));
        }
        Ok(())
    }
}

api_enum! {
    /// What kind of payment method.
    pub enum PaymentMethodType {
        /// A credit card.
        CreditCard = "credit_card",
        /// Google Pay.
        GooglePay = "google_pay",
        /// PayPal.
        Paypal = "paypal",
    }
}

/// A way the account pays.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentMethod {
    /// Its id.
    pub id: u64,
    /// What kind it is.
    #[serde(rename = "type", default)]
    pub method_type: Option<PaymentMethodType>,
    /// Whether charges go to it automatically.
    #[serde(default, deserialize_with = "null_default")]
    pub is_default: bool,
    /// When it was added.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// The card's or PayPal account's details.
    #[serde(default)]
    pub data: PaymentMethodData,
}

/// The public details of a payment method (the fields of its kind are set).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PaymentMethodData {
    /// Card brand (`Visa`, ...), for cards.
    #[serde(default)]
    pub card_type: Option<String>,
    /// Last four digits, for cards.
    #[serde(default)]
    pub last_four: Option<String>,
    /// Expiry `MM/YYYY`, for cards.
    #[serde(default)]
    pub expiry: Option<String>,
    /// The PayPal account's e-mail.
    #[serde(default)]
    pub email: Option<String>,
    /// The PayPal merchant id.
    #[serde(default)]
    pub paypal_id: Option<String>,
}

impl Resource for PaymentMethod {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_PAYMENT_METHOD.path(&[id])
    }
}

#[derive(Serialize)]
struct AddPaymentMethod<'a> {
    #[serde(rename = "type")]
    method_type: &'static str,
    data: &'a NewCard,
    is_default: bool,
}

/// A payment of the balance with a payment method.
///
/// ```
/// use linode::api::account::MakePayment;
/// let payment = MakePayment::new("25.00").payment_method(7);
/// ```
#[derive(Debug, Clone, Serialize)]
#[non_exhaustive]
pub struct MakePayment {
    /// Amount in US dollars, as text (`"25.00"`).
    pub usd: String,
    /// The payment method charged; the default one when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_method_id: Option<u64>,
    /// The card's CVV, when the card needs it.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "expose_some"
    )]
    pub cvv: Option<SecretString>,
}

fn expose_some<S: Serializer>(secret: &Option<SecretString>, s: S) -> Result<S::Ok, S::Error> {
    match secret {
        Some(secret) => expose(secret, s),
        None => s.serialize_none(),
    }
}

impl MakePayment {
    /// A payment of `usd` dollars (`"25.00"`).
    pub fn new(usd: impl Into<String>) -> Self {
        MakePayment {
            usd: usd.into(),
            payment_method_id: None,
            cvv: None,
        }
    }

    /// Charges this payment method rather than the default one.
    pub fn payment_method(mut self, id: u64) -> Self {
        self.payment_method_id = Some(id);
        self
    }

    /// Sends the card's CVV.
    pub fn cvv(mut self, cvv: impl Into<String>) -> Self {
        self.cvv = Some(SecretString::from(cvv.into()));
        self
    }
}

/// Checks an amount in dollars written as text: a positive number with at most two decimals.
fn check_usd(usd: &str) -> Result<()> {
    let (whole, cents) = usd.split_once('.').unwrap_or((usd, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let shaped = !whole.is_empty() && digits(whole) && cents.len() <= 2 && digits(cents);
    if !shaped || usd.parse::<f64>().map_or(true, |v| v <= 0.0) {
        return Err(Error::invalid(
            "usd",
            "must be a positive amount with at most two decimals",
        ));
    }
    Ok(())
}

/// A PayPal payment to stage: the amount and where PayPal sends the payer back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct StagePaypalPayment {
    /// Amount in US dollars, as text (`"25.00"`).
    pub usd: String,
    /// Where PayPal sends the payer after approval.
    pub redirect_url: String,
    /// Where PayPal sends the payer after a cancellation.
    pub cancel_url: String,
}

impl StagePaypalPayment {
    /// A payment of `usd` dollars with its two return URLs.
    pub fn new(
        usd: impl Into<String>,
        redirect_url: impl Into<String>,
        cancel_url: impl Into<String>,
    ) -> Self {
        StagePaypalPayment {
            usd: usd.into(),
            redirect_url: redirect_url.into(),
            cancel_url: cancel_url.into(),
        }
    }
}

/// A staged PayPal payment: what the payer approves at PayPal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StagedPaypalPayment {
    /// The payment's id at PayPal, for [`execute_paypal_payment`](AccountGroup::execute_paypal_payment).
    pub payment_id: String,
    /// The checkout token.
    #[serde(default, deserialize_with = "null_default")]
    pub checkout_token: String,
}

#[derive(Serialize)]
struct ExecutePaypal<'a> {
    payment_id: &'a str,
    payer_id: &'a str,
}

/// A promotion applied to the account.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Promotion {
    /// What it is.
    #[serde(default, deserialize_with = "null_default")]
    pub summary: String,
    /// Details.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// Credit usable per month, in dollars (text, as the API sends it).
    #[serde(default, deserialize_with = "null_default")]
    pub credit_monthly_cap: String,
    /// Credit left, in dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub credit_remaining: String,
    /// When it expires.
    #[serde(default, with = "timestamp::option")]
    pub expire_dt: Option<timestamp::Timestamp>,
    /// Credit left this month.
    #[serde(default, deserialize_with = "null_default")]
    pub this_month_credit_remaining: String,
    /// Where its image is.
    #[serde(default)]
    pub image_url: Option<String>,
    /// Its service type.
    #[serde(default)]
    pub service_type: Option<String>,
}

impl AccountGroup<'_> {
    /// Puts a credit card on file (it becomes the default payment method).
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::account::NewCard;
    /// client.account().add_credit_card(&NewCard::new("4111111111111111", 12, 2030, "123")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn add_credit_card(&self, card: &NewCard) -> Result<()> {
        card.check()?;
        self.client
            .send_empty(ADD_CREDIT_CARD.with_body(&[], card)?)
            .await
    }

    /// Lists the payment methods.
    pub fn payment_methods(&self) -> ListRequest<PaymentMethod> {
        ListRequest::new(self.client, LIST_PAYMENT_METHODS.path(&[]))
    }

    /// Loads one payment method.
    pub async fn payment_method(&self, id: u64) -> Result<PaymentMethod> {
        self.client.load::<PaymentMethod>(id).await
    }

    /// Adds a credit card as a payment method, the default one when `is_default`.
    pub async fn add_payment_method(&self, card: &NewCard, is_default: bool) -> Result<()> {
        card.check()?;
        let body = AddPaymentMethod {
            method_type: "credit_card",
            data: card,
            is_default,
        };
        self.client
            .send_empty(ADD_PAYMENT_METHOD.with_body(&[], &body)?)
            .await
    }

    /// Removes a payment method (the API refuses to remove the default one).
    pub async fn delete_payment_method(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_PAYMENT_METHOD.request(&[&id]))
            .await
    }

    /// Makes a payment method the default one.
    pub async fn make_default_payment_method(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(MAKE_DEFAULT_PAYMENT_METHOD.request(&[&id]))
            .await
    }

    /// Pays toward the balance and returns the payment.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::account::MakePayment;
    /// let payment = client.account().make_payment(&MakePayment::new("20.00")).await?;
    /// # Ok(()) }
    /// ```
    pub async fn make_payment(&self, payment: &MakePayment) -> Result<Payment> {
        check_usd(&payment.usd)?;
        self.client
            .send(MAKE_PAYMENT.with_body(&[], payment)?)
            .await
    }

    /// Stages a PayPal payment, for the payer to approve at PayPal.
    pub async fn stage_paypal_payment(
        &self,
        payment: &StagePaypalPayment,
    ) -> Result<StagedPaypalPayment> {
        check_usd(&payment.usd)?;
        super::not_blank("redirect_url", &payment.redirect_url)?;
        super::not_blank("cancel_url", &payment.cancel_url)?;
        self.client
            .send(STAGE_PAYPAL_PAYMENT.with_body(&[], payment)?)
            .await
    }

    /// Captures an approved PayPal payment: `payment_id` from
    /// [`stage_paypal_payment`](AccountGroup::stage_paypal_payment), `payer_id` from PayPal.
    pub async fn execute_paypal_payment(&self, payment_id: &str, payer_id: &str) -> Result<()> {
        super::not_blank("payment_id", payment_id)?;
        super::not_blank("payer_id", payer_id)?;
        let body = ExecutePaypal {
            payment_id,
            payer_id,
        };
        self.client
            .send_empty(EXECUTE_PAYPAL_PAYMENT.with_body(&[], &body)?)
            .await
    }

    /// Applies a promo code and returns the promotion it gave.
    pub async fn add_promo_code(&self, code: &str) -> Result<Promotion> {
        if !(1..=32).contains(&code.trim().len()) {
            return Err(Error::invalid("promo_code", "must be 1 to 32 characters"));
        }
        self.client
            .send(ADD_PROMO_CODE.with_body(&[], &serde_json::json!({ "promo_code": code }))?)
            .await
    }
}

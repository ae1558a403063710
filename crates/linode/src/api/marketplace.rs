//! Partner referrals: `POST /marketplace`, asking Akamai to put you in touch with a qualified
//! partner about one of its Marketplace products.

use serde::Serialize;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::model::setters;
use crate::operation::operations;

operations! {
    CREATE_MARKETPLACE_CONTACT = POST "/marketplace";
}

/// Most extra e-mail addresses a referral may carry.
pub const MAX_ADDITIONAL_EMAILS: usize = 2;
/// Longest comment a referral may carry, in characters.
pub const MAX_COMMENTS_LENGTH: usize = 500;

/// A request to be contacted about a partner's product. Every field the API requires is an
/// argument of [`new`](MarketplaceContact::new); sharing your details with the partner needs
/// your consent ([`consent_given`](MarketplaceContact::consent_given)).
///
/// ```
/// use linode::api::marketplace::MarketplaceContact;
/// let request = MarketplaceContact::new(
///     "PartnerX",
///     "Database Accelerator X",
///     "John Doe",
///     "john.doe@example.org",
///     ("+1", "555 555 1234"),
///     "US",
/// )
/// .company_name("Acme, Inc.")
/// .consent_given(true);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct MarketplaceContact {
    partner_name: String,
    product_name: String,
    name: String,
    email: String,
    phone_country_code: String,
    phone: String,
    country_code: String,
    tc_consent_given: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    company_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    account_executive_email: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    additional_emails: Vec<String>,
}

impl MarketplaceContact {
    /// Contact `name` at `email` and `phone` (`(country prefix such as "+1", number)`), who lives
    /// in `country_code` (ISO 3166, two letters), about `partner_name`'s `product_name`.
    pub fn new(
        partner_name: impl Into<String>,
        product_name: impl Into<String>,
        name: impl Into<String>,
        email: impl Into<String>,
        phone: (&str, &str),
        country_code: impl Into<String>,
    ) -> Self {
        MarketplaceContact {
            partner_name: partner_name.into(),
            product_name: product_name.into(),
            name: name.into(),
            email: email.into(),
            phone_country_code: phone.0.to_owned(),
            phone: phone.1.to_owned(),
            country_code: country_code.into(),
            tc_consent_given: false,
            company_name: None,
            comments: None,
            account_executive_email: None,
            additional_emails: Vec::new(),
        }
    }

    /// Whether you consent to Akamai sharing these details with the partner (required).
    pub fn consent_given(mut self, consent: bool) -> Self {
        self.tc_consent_given = consent;
        self
    }

    /// Further addresses to reach you at (at most [`MAX_ADDITIONAL_EMAILS`]).
    pub fn additional_emails<S: Into<String>>(
        mut self,
        emails: impl IntoIterator<Item = S>,
    ) -> Self {
        self.additional_emails = emails.into_iter().map(Into::into).collect();
        self
    }

    fn validate(&self) -> Result<()> {
        let required = [
            ("partner_name", &self.partner_name),
            ("product_name", &self.product_name),
            ("name", &self.name),
        ];
        for (field, value) in required {
            if value.trim().is_empty() {
                return Err(Error::invalid(field, "is empty"));
            }
        }
        check_email("email", &self.email)?;
        if !self.phone_country_code.starts_with('+')
            || !self.phone_country_code[1..]
                .chars()
                .all(|c| c.is_ascii_digit())
            || self.phone_country_code.len() < 2
        {
            return Err(Error::invalid(
                "phone_country_code",
                "must be + followed by digits",
            ));
        }
        if self.phone.trim().is_empty()
            || !self.phone.chars().all(|c| c.is_ascii_digit() || c == ' ')
        {
            return Err(Error::invalid("phone", "must be digits and spaces"));
        }
        if self.country_code.len() != 2
            || !self.country_code.chars().all(|c| c.is_ascii_alphabetic())
        {
            return Err(Error::invalid(
                "country_code",
                "must be a two-letter ISO 3166 code",
            ));
        }
        if !self.tc_consent_given {
            return Err(Error::invalid(
                "tc_consent_given",
                "the partner can only be told with your consent",
            ));
        }
        if self
            .comments
            .as_ref()
            .is_some_and(|c| c.chars().count() > MAX_COMMENTS_LENGTH)
        {
            return Err(Error::invalid(
                "comments",
                format!("is longer than {MAX_COMMENTS_LENGTH} characters"),
            ));
        }
        if self.additional_emails.len() > MAX_ADDITIONAL_EMAILS {
            return Err(Error::invalid(
                "additional_emails",
                format!("holds more than {MAX_ADDITIONAL_EMAILS} addresses"),
            ));
        }
        for email in &self.additional_emails {
            check_email("additional_emails", email)?;
        }
        if let Some(email) = &self.account_executive_email {
            check_email("account_executive_email", email)?;
        }
        Ok(())
    }
}

setters! {
    MarketplaceContact {
        /// The company you work for.
        company_name: into String,
        /// Anything to add (at most [`MAX_COMMENTS_LENGTH`] characters).
        comments: into String,
        /// The e-mail address of your Akamai account executive.
        account_executive_email: into String,
    }
}

fn check_email(field: &'static str, email: &str) -> Result<()> {
    let valid = email
        .split_once('@')
        .is_some_and(|(user, host)| !user.is_empty() && host.contains('.'))
        && !email.contains(char::is_whitespace);
    if valid {
        Ok(())
    } else {
        Err(Error::invalid(field, "is not an e-mail address"))
    }
}

/// Calls under `/marketplace`.
#[derive(Debug, Clone, Copy)]
pub struct MarketplaceGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Partner referrals (`/marketplace`).
    pub fn marketplace(&self) -> MarketplaceGroup<'_> {
        MarketplaceGroup { client: self }
    }
}

impl MarketplaceGroup<'_> {
    /// Asks to be contacted about a partner's product; the API answers with nothing.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::marketplace::MarketplaceContact;
    /// let request = MarketplaceContact::new(
    ///     "PartnerX", "Database Accelerator X", "John Doe", "john.doe@example.org",
    ///     ("+1", "555 555 1234"), "US",
    /// )
    /// .consent_given(true);
    /// client.marketplace().contact(&request).await?;
    /// # Ok(()) }
    /// ```
    pub async fn contact(&self, request: &MarketplaceContact) -> Result<()> {
        request.validate()?;
        self.client
            .send_empty(CREATE_MARKETPLACE_CONTACT.with_body(&[], request)?)
            .await
    }
}

//! SAML single sign-on: `/iam/idp-configs`, the account's external identity provider (IdP)
//! configuration, its public certificates and the users single sign-on is required for
//! ("included", while it is not enforced) or waived for ("excluded", emergency access while it
//! is enforced).
//!
//! These operations are in beta: every call of [`IdpGroup`] goes to `/v4beta`, whatever the
//! client's own version. Configuration and certificate ids are UUIDs (strings). A certificate is
//! the IdP's X.509 certificate in base64 (PEM), its `BEGIN`/`END CERTIFICATE` lines optional;
//! the configuration must keep at least one.

use serde::{Deserialize, Serialize};

use super::not_blank;
use crate::client::{ApiVersion, Client, Request};
use crate::error::{Error, Result};
use crate::model::{api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::{ListRequest, Page};

operations! {
    LIST_IDP_CONFIGS = GET "/iam/idp-configs";
    CREATE_IDP_CONFIG = POST "/iam/idp-configs";
    GET_IDP_CONFIG = GET "/iam/idp-configs/{idpConfigId}";
    UPDATE_IDP_CONFIG = PUT "/iam/idp-configs/{idpConfigId}";
    DELETE_IDP_CONFIG = DELETE "/iam/idp-configs/{idpConfigId}";
    LIST_IDP_CERTIFICATES = GET "/iam/idp-configs/{idpConfigId}/certificates";
    ADD_IDP_CERTIFICATE = POST "/iam/idp-configs/{idpConfigId}/certificates";
    DELETE_IDP_CERTIFICATE = DELETE "/iam/idp-configs/{idpConfigId}/certificates/{certificateId}";
    LIST_IDP_USERS_EXCLUDED = GET "/iam/idp-configs/{idpConfigId}/users-excluded";
    UPDATE_IDP_USERS_EXCLUDED = PUT "/iam/idp-configs/{idpConfigId}/users-excluded";
    LIST_IDP_USERS_INCLUDED = GET "/iam/idp-configs/{idpConfigId}/users-included";
    UPDATE_IDP_USERS_INCLUDED = PUT "/iam/idp-configs/{idpConfigId}/users-included";
}

api_enum! {
    /// Which element of the SAML assertion identifies the user.
    pub enum IdentityElement {
        /// The assertion's `NameID`.
        NameId = "NAME_ID",
        /// The attribute named by [`SamlConfig::user_id_attribute`].
        UserIdAttribute = "USER_ID_ATTRIBUTE",
    }
}

/// The account's external identity provider configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdpConfig {
    /// Its id (a UUID).
    pub id: String,
    /// Its label, unique on the account.
    pub label: String,
    /// Whether single sign-on is active (when `false`, nothing is enforced).
    #[serde(default, deserialize_with = "null_default")]
    pub enabled: bool,
    /// Whether every user but the excluded ones must sign on through the IdP (when `false`,
    /// only the included users must).
    #[serde(default, deserialize_with = "null_default")]
    pub enforce: bool,
    /// The SAML settings.
    pub saml: SamlConfig,
    /// How many users are excluded from single sign-on.
    #[serde(default, deserialize_with = "null_default")]
    pub excluded_users_count: u64,
    /// How many users must sign on while it is not enforced.
    #[serde(default, deserialize_with = "null_default")]
    pub included_users_count: u64,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// Who created it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// When it was last changed (`None`: never).
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// Who last changed it (`None`: never changed).
    #[serde(default)]
    pub updated_by: Option<String>,
}

/// The SAML settings of a configuration, as the API shows them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SamlConfig {
    /// The IdP's entity id (issuer), typically a URI.
    pub entity_id: String,
    /// The IdP's login URL users are sent to.
    pub idp_url: String,
    /// Which element of the assertion identifies the user.
    pub identity_element: IdentityElement,
    /// The attribute holding the user's id (with [`IdentityElement::UserIdAttribute`]).
    #[serde(default)]
    pub user_id_attribute: Option<String>,
    /// The IdP's certificates verifying assertion signatures.
    #[serde(default, deserialize_with = "null_default")]
    pub public_certificates: Vec<IdpCertificate>,
}

/// One of the IdP's public certificates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdpCertificate {
    /// Its id (a UUID).
    pub id: String,
    /// The certificate, in base64 as it was sent.
    pub certificate: String,
    /// When it was added.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// Who added it.
    #[serde(default)]
    pub created_by: Option<String>,
    /// When it becomes valid (read from the certificate).
    #[serde(default, with = "timestamp::option")]
    pub not_before: Option<timestamp::Timestamp>,
    /// When it stops being valid (read from the certificate).
    #[serde(default, with = "timestamp::option")]
    pub not_after: Option<timestamp::Timestamp>,
}

/// A user in a configuration's included or excluded list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IdpUserRef {
    /// The username.
    pub id: String,
    /// The user's label (the username).
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Always `user`.
    #[serde(default, rename = "type", deserialize_with = "null_default")]
    pub kind: String,
    /// Where the user's details are.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
}

/// A certificate to send: the IdP's X.509 certificate in base64, with or without its
/// `BEGIN`/`END CERTIFICATE` lines.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SamlCertificate {
    certificate: String,
}

impl SamlCertificate {
    /// The certificate `pem`.
    pub fn new(pem: impl Into<String>) -> Self {
        SamlCertificate {
            certificate: pem.into(),
        }
    }
}

/// The SAML settings to send (create, or replace as a whole in an update).
///
/// ```
/// use linode::api::iam::{IdentityElement, SamlSettings};
/// let saml = SamlSettings::new(
///     "https://idp.example.com",
///     "https://idp.example.com/login",
///     IdentityElement::UserIdAttribute,
///     ["MIIBszCCAVmgAwIBAgIU..."],
/// )
/// .user_id_attribute("EmailAddress");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SamlSettings {
    entity_id: String,
    idp_url: String,
    identity_element: IdentityElement,
    public_certificates: Vec<SamlCertificate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id_attribute: Option<String>,
}

impl SamlSettings {
    /// Settings for the IdP `entity_id` signing users on at `idp_url`, identifying them by
    /// `identity_element`, with its certificates (at least one).
    pub fn new<I>(
        entity_id: impl Into<String>,
        idp_url: impl Into<String>,
        identity_element: IdentityElement,
        certificates: I,
    ) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        SamlSettings {
            entity_id: entity_id.into(),
            idp_url: idp_url.into(),
            identity_element,
            public_certificates: certificates.into_iter().map(SamlCertificate::new).collect(),
            user_id_attribute: None,
        }
    }

    fn validate(&self) -> Result<()> {
        not_blank("saml.entity_id", &self.entity_id)?;
        not_blank("saml.idp_url", &self.idp_url)?;
        if self.public_certificates.is_empty() {
            return Err(Error::invalid(
                "saml.public_certificates",
                "needs at least one certificate",
            ));
        }
        for cert in &self.public_certificates {
            not_blank("saml.public_certificates.certificate", &cert.certificate)?;
        }
        if self.identity_element == IdentityElement::UserIdAttribute
            && self
                .user_id_attribute
                .as_deref()
                .is_none_or(|a| a.trim().is_empty())
        {
            return Err(Error::invalid(
                "saml.user_id_attribute",
                "is required with identity_element USER_ID_ATTRIBUTE",
            ));
        }
        Ok(())
    }
}

setters! {
    SamlSettings {
        /// The SAML attribute holding the user's id (required with
        /// [`IdentityElement::UserIdAttribute`]).
        user_id_attribute: into String,
    }
}

/// A configuration to create: a label and SAML settings, disabled and not enforced unless
/// said otherwise.
///
/// ```
/// use linode::api::iam::{CreateIdpConfig, IdentityElement, SamlSettings};
/// let saml = SamlSettings::new("https://idp.example.com", "https://idp.example.com/login",
///     IdentityElement::NameId, ["MIIBszCCAVmgAwIBAgIU..."]);
/// let request = CreateIdpConfig::new("Example IDP", saml).enabled(true);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateIdpConfig {
    label: String,
    saml: SamlSettings,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enforce: Option<bool>,
}

impl CreateIdpConfig {
    /// A configuration `label` with `saml` settings.
    pub fn new(label: impl Into<String>, saml: SamlSettings) -> Self {
        CreateIdpConfig {
            label: label.into(),
            saml,
            enabled: None,
            enforce: None,
        }
    }

    fn validate(&self) -> Result<()> {
        not_blank("label", &self.label)?;
        self.saml.validate()
    }
}

setters! {
    CreateIdpConfig {
        /// Activates single sign-on (default `false`).
        enabled: value bool,
        /// Requires it of every user but the excluded ones (default `false`).
        enforce: value bool,
    }
}

/// Changes to a configuration: only the fields set are sent; SAML settings, when set,
/// replace the old ones (certificates included).
///
/// ```
/// use linode::api::iam::IdpConfigUpdate;
/// let update = IdpConfigUpdate::new().enforce(true).label("Corporate IdP");
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IdpConfigUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enforce: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    saml: Option<SamlSettings>,
}

impl IdpConfigUpdate {
    /// No change yet.
    pub fn new() -> Self {
        Self::default()
    }

    fn validate(&self) -> Result<()> {
        if let Some(label) = &self.label {
            not_blank("label", label)?;
        }
        if let Some(saml) = &self.saml {
            saml.validate()?;
        }
        Ok(())
    }
}

setters! {
    IdpConfigUpdate {
        /// A new label.
        label: into String,
        /// Activates or deactivates single sign-on.
        enabled: value bool,
        /// Requires it of every user but the excluded ones, or only of the included ones.
        enforce: value bool,
        /// New SAML settings, replacing the old ones as a whole.
        saml: value SamlSettings,
    }
}

#[derive(Serialize)]
struct Usernames<'a> {
    usernames: &'a [&'a str],
}

/// Calls under `/iam/idp-configs` (all sent to `/v4beta`), from
/// [`IamGroup::idp`](super::IamGroup::idp).
///
/// ```no_run
/// # async fn demo(client: linode::Client, pem: String) -> linode::Result<()> {
/// use linode::api::iam::{CreateIdpConfig, IdentityElement, IdpConfigUpdate, SamlSettings};
/// let idp = client.iam().idp();
/// let saml = SamlSettings::new("https://idp.example.com", "https://idp.example.com/login",
///     IdentityElement::NameId, [pem]);
/// let config = idp.create(CreateIdpConfig::new("Corporate", saml).enabled(true)).await?;
/// idp.set_users_included(&config.id, &["alice", "bob"]).await?;
/// idp.update(&config.id, &IdpConfigUpdate::new().enforce(true)).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct IdpGroup<'c> {
    pub(super) client: &'c Client,
}

fn beta(request: Request) -> Request {
    request.api_version(ApiVersion::V4Beta)
}

impl IdpGroup<'_> {
    /// The account's configurations (one at most today).
    pub fn list(&self) -> ListRequest<IdpConfig> {
        ListRequest::new(self.client, LIST_IDP_CONFIGS.path(&[])).api_version(ApiVersion::V4Beta)
    }

    /// Creates the account's configuration (checked before anything is sent).
    pub async fn create(&self, request: CreateIdpConfig) -> Result<IdpConfig> {
        request.validate()?;
        self.client
            .send(beta(CREATE_IDP_CONFIG.with_body(&[], &request)?))
            .await
    }

    /// Loads one configuration.
    pub async fn get(&self, id: &str) -> Result<IdpConfig> {
        not_blank("idpConfigId", id)?;
        self.client.send(beta(GET_IDP_CONFIG.request(&[&id]))).await
    }

    /// Changes the fields set in `update` and returns the configuration as it is now.
    pub async fn update(&self, id: &str, update: &IdpConfigUpdate) -> Result<IdpConfig> {
        not_blank("idpConfigId", id)?;
        update.validate()?;
        self.client
            .send(beta(UPDATE_IDP_CONFIG.with_body(&[&id], update)?))
            .await
    }

    /// Deletes a configuration with its certificates and user lists.
    pub async fn delete(&self, id: &str) -> Result<()> {
        not_blank("idpConfigId", id)?;
        self.client
            .send_empty(beta(DELETE_IDP_CONFIG.request(&[&id])))
            .await
    }

    /// A configuration's certificates.
    pub fn certificates(&self, id: &str) -> ListRequest<IdpCertificate> {
        ListRequest::new(self.client, LIST_IDP_CERTIFICATES.path(&[&id]))
            .api_version(ApiVersion::V4Beta)
    }

    /// Adds a certificate (for a rotation) and returns it with its validity.
    pub async fn add_certificate(&self, id: &str, pem: &str) -> Result<IdpCertificate> {
        not_blank("idpConfigId", id)?;
        not_blank("certificate", pem)?;
        self.client
            .send(beta(
                ADD_IDP_CERTIFICATE.with_body(&[&id], &SamlCertificate::new(pem))?,
            ))
            .await
    }

    /// Removes a certificate (the API refuses to remove the last one).
    pub async fn delete_certificate(&self, id: &str, certificate_id: &str) -> Result<()> {
        not_blank("idpConfigId", id)?;
        not_blank("certificateId", certificate_id)?;
        self.client
            .send_empty(beta(
                DELETE_IDP_CERTIFICATE.request(&[&id, &certificate_id]),
            ))
            .await
    }

    /// The users excluded from single sign-on (emergency access while it is enforced).
    pub fn users_excluded(&self, id: &str) -> ListRequest<IdpUserRef> {
        ListRequest::new(self.client, LIST_IDP_USERS_EXCLUDED.path(&[&id]))
            .api_version(ApiVersion::V4Beta)
    }

    /// Replaces the excluded users (`&[]` clears the list) and returns them.
    pub async fn set_users_excluded(
        &self,
        id: &str,
        usernames: &[&str],
    ) -> Result<Vec<IdpUserRef>> {
        self.set_users(UPDATE_IDP_USERS_EXCLUDED, id, usernames)
            .await
    }

    /// The users who must sign on through the IdP while it is not enforced.
    pub fn users_included(&self, id: &str) -> ListRequest<IdpUserRef> {
        ListRequest::new(self.client, LIST_IDP_USERS_INCLUDED.path(&[&id]))
            .api_version(ApiVersion::V4Beta)
    }

    /// Replaces the included users (`&[]` clears the list) and returns them.
    pub async fn set_users_included(
        &self,
        id: &str,
        usernames: &[&str],
    ) -> Result<Vec<IdpUserRef>> {
        self.set_users(UPDATE_IDP_USERS_INCLUDED, id, usernames)
            .await
    }

    async fn set_users(
        &self,
        operation: crate::operation::Operation,
        id: &str,
        usernames: &[&str],
    ) -> Result<Vec<IdpUserRef>> {
        not_blank("idpConfigId", id)?;
        if usernames.iter().any(|u| u.trim().is_empty()) {
            return Err(Error::invalid("usernames", "holds an empty username"));
        }
        let page: Page<IdpUserRef> = self
            .client
            .send(beta(operation.with_body(&[&id], &Usernames { usernames })?))
            .await?;
        Ok(page.data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_serialize_as_the_api_reads_them() {
        let saml = SamlSettings::new("e", "https://i", IdentityElement::NameId, ["MII"]);
        let json =
            serde_json::to_value(CreateIdpConfig::new("L", saml.clone()).enforce(true)).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"label": "L", "enforce": true, "saml": {"entity_id": "e",
                "idp_url": "https://i", "identity_element": "NAME_ID",
                "public_certificates": [{"certificate": "MII"}]}})
        );
        assert_eq!(
            serde_json::to_value(IdpConfigUpdate::new().enabled(false)).unwrap(),
            serde_json::json!({"enabled": false})
        );
        let attr = SamlSettings::new("e", "https://i", IdentityElement::UserIdAttribute, ["M"]);
        assert!(attr.validate().is_err());
        assert!(attr.user_id_attribute("Email").validate().is_ok());
        let none = SamlSettings::new(
            "e",
            "https://i",
            IdentityElement::NameId,
            Vec::<String>::new(),
        );
        assert!(none.validate().is_err());
    }

    #[test]
    fn nulls_and_unknown_elements_are_tolerated() {
        let config: IdpConfig = serde_json::from_value(serde_json::json!({
            "id": "u", "label": "L", "enabled": null, "enforce": false,
            "saml": {"entity_id": "e", "idp_url": "i", "identity_element": "EMAIL",
                "public_certificates": null},
            "updated": null, "updated_by": null
        }))
        .unwrap();
        assert_eq!(
            config.saml.identity_element,
            IdentityElement::Unknown("EMAIL".into())
        );
        assert!(!config.enabled && config.updated.is_none());
    }
}

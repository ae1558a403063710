//! Service transfers (`/account/service-transfers`) and their older name, entity transfers
//! (`/account/entity-transfers`): moving Linodes to another account. The sender creates a
//! transfer and hands its token to the receiver, who accepts it.
//!
//! Both families answer the same objects; [`TransferFamily`] picks the URLs.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::AccountGroup;
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{api_enum, null_default, timestamp};
use crate::operation::{Operation, operations};
use crate::pagination::ListRequest;

operations! {
    LIST_ENTITY_TRANSFERS = GET "/account/entity-transfers";
    CREATE_ENTITY_TRANSFER = POST "/account/entity-transfers";
    GET_ENTITY_TRANSFER = GET "/account/entity-transfers/{token}";
    CANCEL_ENTITY_TRANSFER = DELETE "/account/entity-transfers/{token}";
    ACCEPT_ENTITY_TRANSFER = POST "/account/entity-transfers/{token}/accept";
    LIST_SERVICE_TRANSFERS = GET "/account/service-transfers";
    CREATE_SERVICE_TRANSFER = POST "/account/service-transfers";
    GET_SERVICE_TRANSFER = GET "/account/service-transfers/{token}";
    CANCEL_SERVICE_TRANSFER = DELETE "/account/service-transfers/{token}";
    ACCEPT_SERVICE_TRANSFER = POST "/account/service-transfers/{token}/accept";
}

/// Which URLs a transfer call uses: the current `service-transfers` or the older
/// `entity-transfers` (same objects, same rules).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransferFamily {
    /// `/account/service-transfers`.
    Service,
    /// `/account/entity-transfers`.
    Entity,
}

struct TransferOps {
    list: Operation,
    create: Operation,
    get: Operation,
    cancel: Operation,
    accept: Operation,
}

impl TransferFamily {
    fn ops(self) -> TransferOps {
        match self {
            TransferFamily::Service => TransferOps {
                list: LIST_SERVICE_TRANSFERS,
                create: CREATE_SERVICE_TRANSFER,
                get: GET_SERVICE_TRANSFER,
                cancel: CANCEL_SERVICE_TRANSFER,
                accept: ACCEPT_SERVICE_TRANSFER,
            },
            TransferFamily::Entity => TransferOps {
                list: LIST_ENTITY_TRANSFERS,
                create: CREATE_ENTITY_TRANSFER,
                get: GET_ENTITY_TRANSFER,
                cancel: CANCEL_ENTITY_TRANSFER,
                accept: ACCEPT_ENTITY_TRANSFER,
            },
        }
    }
}

api_enum! {
    /// Where a transfer stands.
    pub enum TransferStatus {
        /// Waiting for the receiver.
        Pending = "pending",
        /// Accepted, being carried out.
        Accepted = "accepted",
        /// Canceled by the sender.
        Canceled = "canceled",
        /// Done.
        Completed = "completed",
        /// Failed.
        Failed = "failed",
        /// Expired before it was accepted.
        Stale = "stale",
    }
}

/// The entities a transfer moves.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TransferEntities {
    /// Ids of the Linodes.
    #[serde(default, deserialize_with = "null_default")]
    pub linodes: Vec<u64>,
}

/// A transfer of Linodes between accounts.
#[derive(Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ServiceTransfer {
    /// The token that identifies it; whoever holds it can accept the transfer.
    #[serde(serialize_with = "expose_token", deserialize_with = "secret_token")]
    pub token: SecretString,
    /// Where it stands.
    #[serde(default)]
    pub status: Option<TransferStatus>,
    /// Whether this account sends it.
    #[serde(default, deserialize_with = "null_default")]
    pub is_sender: bool,
    /// When it was created.
    #[serde(default, with = "timestamp::option")]
    pub created: Option<timestamp::Timestamp>,
    /// When it last changed.
    #[serde(default, with = "timestamp::option")]
    pub updated: Option<timestamp::Timestamp>,
    /// When it expires if not accepted.
    #[serde(default, with = "timestamp::option")]
    pub expiry: Option<timestamp::Timestamp>,
    /// What it moves.
    #[serde(default)]
    pub entities: TransferEntities,
}

fn expose_token<S: serde::Serializer>(token: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(token.expose_secret())
}

fn secret_token<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
    Ok(SecretString::from(String::deserialize(d)?))
}

impl std::fmt::Debug for ServiceTransfer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceTransfer")
            .field("token", &"[REDACTED]")
            .field("status", &self.status)
            .field("is_sender", &self.is_sender)
            .field("entities", &self.entities)
            .finish_non_exhaustive()
    }
}

filterable!(ServiceTransfer {
    IS_SENDER: Bool = "is_sender",
    STATUS: Text = "status",
});

impl AccountGroup<'_> {
    /// Lists the transfers this account sent or accepted.
    pub fn transfers(&self, family: TransferFamily) -> ListRequest<ServiceTransfer> {
        ListRequest::new(self.client, family.ops().list.path(&[]))
    }

    /// Loads one transfer by its token.
    pub async fn transfer_by_token(
        &self,
        family: TransferFamily,
        token: &SecretString,
    ) -> Result<ServiceTransfer> {
        let token = check_token(token)?;
        self.client.send(family.ops().get.request(&[&token])).await
    }

    /// Creates a transfer of these Linodes and returns it with the token to give the
    /// receiver.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::account::TransferFamily;
    /// let transfer = client.account().create_transfer(TransferFamily::Service, &[123]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn create_transfer(
        &self,
        family: TransferFamily,
        linodes: &[u64],
    ) -> Result<ServiceTransfer> {
        if linodes.is_empty() {
            return Err(Error::invalid("entities.linodes", "is empty"));
        }
        let body = serde_json::json!({ "entities": { "linodes": linodes } });
        self.client
            .send(family.ops().create.with_body(&[], &body)?)
            .await
    }

    /// Cancels a pending transfer this account sent.
    pub async fn cancel_transfer(
        &self,
        family: TransferFamily,
        token: &SecretString,
    ) -> Result<()> {
        let token = check_token(token)?;
        self.client
            .send_empty(family.ops().cancel.request(&[&token]))
            .await
    }

    /// Accepts a transfer sent by another account: its Linodes move to this one.
    pub async fn accept_transfer(
        &self,
        family: TransferFamily,
        token: &SecretString,
    ) -> Result<()> {
        let token = check_token(token)?;
        self.client
            .send_empty(family.ops().accept.request(&[&token]))
            .await
    }
}

/// The token's text, refused when empty.
fn check_token(token: &SecretString) -> Result<&str> {
    let text = token.expose_secret();
    if text.trim().is_empty() {
        return Err(Error::invalid("token", "is empty"));
    }
    Ok(text)
}

//! Reserved IPv4 addresses (`/networking/reserved/ips`): public addresses the account keeps
//! whether or not a Linode uses them.

use serde::Serialize;

use super::{IpAddress, NetworkingGroup};
use crate::api::pricing::PricedType;
use crate::error::{Error, Result};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_RESERVED_IPS = GET "/networking/reserved/ips";
    RESERVE_IP = POST "/networking/reserved/ips";
    LIST_RESERVED_IP_TYPES = GET "/networking/reserved/ips/types";
    GET_RESERVED_IP = GET "/networking/reserved/ips/{address}";
    UPDATE_RESERVED_IP = PUT "/networking/reserved/ips/{address}";
    DELETE_RESERVED_IP = DELETE "/networking/reserved/ips/{address}";
}

#[derive(Serialize)]
struct Reserve<'a> {
    region: &'a str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<String>,
}

#[derive(Serialize)]
struct Tags {
    tags: Vec<String>,
}

/// Checks tags as the API does: 3 to 50 characters each.
fn checked_tags(tags: impl IntoIterator<Item = impl Into<String>>) -> Result<Vec<String>> {
    let tags: Vec<String> = tags.into_iter().map(Into::into).collect();
    if tags.iter().any(|t| !(3..=50).contains(&t.chars().count())) {
        return Err(Error::invalid("tags", "each tag has 3 to 50 characters"));
    }
    Ok(tags)
}

impl NetworkingGroup<'_> {
    /// Lists your reserved IPv4 addresses, assigned (with their `linode_id`) or not.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let kept = client.networking().reserve_ip("us-east", ["web"]).await?;
    /// let all = client.networking().reserved_ips().await?.collect_all().await?;
    /// assert!(all.iter().any(|ip| ip.address == kept.address));
    /// # Ok(()) }
    /// ```
    pub fn reserved_ips(&self) -> ListRequest<IpAddress> {
        ListRequest::new(self.client, LIST_RESERVED_IPS.path(&[]))
    }

    /// Reserves a new public IPv4 address in `region`, tagged with `tags`.
    pub async fn reserve_ip(
        &self,
        region: &str,
        tags: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<IpAddress> {
        if region.trim().is_empty() {
            return Err(Error::invalid("region", "is empty"));
        }
        let body = Reserve {
            region,
            tags: checked_tags(tags)?,
        };
        self.client.send(RESERVE_IP.with_body(&[], &body)?).await
    }

    /// The price of a reserved address, by region.
    pub fn reserved_ip_types(&self) -> ListRequest<PricedType> {
        ListRequest::new(self.client, LIST_RESERVED_IP_TYPES.path(&[]))
    }

    /// Loads one reserved address.
    pub async fn reserved_ip(&self, address: &str) -> Result<IpAddress> {
        self.client.send(GET_RESERVED_IP.request(&[&address])).await
    }

    /// Replaces the tags of a reserved address and returns it.
    pub async fn set_reserved_ip_tags(
        &self,
        address: &str,
        tags: impl IntoIterator<Item = impl Into<String>>,
    ) -> Result<IpAddress> {
        let body = Tags {
            tags: checked_tags(tags)?,
        };
        self.client
            .send(UPDATE_RESERVED_IP.with_body(&[&address], &body)?)
            .await
    }

    /// Ends a reservation. An address assigned to a Linode stays with it, no longer reserved.
    pub async fn release_reserved_ip(&self, address: &str) -> Result<()> {
        self.client
            .send_empty(DELETE_RESERVED_IP.request(&[&address]))
            .await
    }
}

//! Network transfer prices: `/network-transfer/prices`, what outbound transfer past the
//! account's pool costs, with the regions that charge differently.

use serde::{Deserialize, Serialize};

use crate::api::linode::Price;
use crate::client::Client;
use crate::filter::filterable;
use crate::model::null_default;
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_NETWORK_TRANSFER_PRICES = GET "/network-transfer/prices";
}

/// A network transfer price.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct NetworkTransferPrice {
    /// Its id, such as `network_transfer`.
    pub id: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The default price (per GB, charged hourly; `monthly` is 0 when the API says `null`).
    #[serde(default, deserialize_with = "null_default")]
    pub price: Price,
    /// Regions whose price differs from the default.
    #[serde(default, deserialize_with = "null_default")]
    pub region_prices: Vec<RegionPrice>,
    /// The monthly transfer it includes, in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub transfer: u64,
}

/// A price that applies in one region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionPrice {
    /// The region's id.
    pub id: String,
    /// Per hour, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub hourly: f64,
    /// Per month, in US dollars (0 when the API says `null`).
    #[serde(default, deserialize_with = "null_default")]
    pub monthly: f64,
}

filterable!(NetworkTransferPrice {
    LABEL: Text = "label",
    PRICE_HOURLY: Number = "price.hourly",
    PRICE_MONTHLY: Number = "price.monthly",
    TRANSFER: Number = "transfer",
});

impl NetworkTransferPrice {
    /// The hourly price in `region`: its own when it has one, otherwise the default.
    pub fn hourly_in(&self, region: &str) -> f64 {
        self.region_prices
            .iter()
            .find(|p| p.id == region)
            .map_or(self.price.hourly, |p| p.hourly)
    }
}

/// Calls under `/network-transfer`.
#[derive(Debug, Clone, Copy)]
pub struct NetworkTransferGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Network transfer prices (`/network-transfer`).
    pub fn network_transfer(&self) -> NetworkTransferGroup<'_> {
        NetworkTransferGroup { client: self }
    }
}

impl NetworkTransferGroup<'_> {
    /// Lists the network transfer prices.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let prices = client.network_transfer().prices().await?.collect_all().await?;
    /// let jakarta: Vec<f64> = prices.iter().map(|p| p.hourly_in("id-cgk")).collect();
    /// # Ok(()) }
    /// ```
    pub fn prices(&self) -> ListRequest<NetworkTransferPrice> {
        ListRequest::new(self.client, LIST_NETWORK_TRANSFER_PRICES.path(&[]))
    }
}

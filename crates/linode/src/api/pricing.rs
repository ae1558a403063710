//! Price lists: the "types" several families list, all of one shape
//! ([`PricedType`]): `GET /volumes/types`, `/nodebalancers/types`, `/longview/types`, and
//! the other services' price lists as they are added.

use serde::{Deserialize, Serialize};

use crate::api::linode::Price;
use crate::filter::filterable;
use crate::model::null_default;

/// One priced type of a service, such as `volume` (the price of one GB of Block Storage) or
/// `nodebalancer`: a base price, and the regions where it costs something else.
///
/// ```no_run
/// # async fn demo(client: linode::Client) -> linode::Result<()> {
/// let types = client.volumes().types().await?.collect_all().await?;
/// let per_gb = types[0].price_in("br-gru").monthly;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PricedType {
    /// The type's id, such as `volume` or `longview-10`.
    pub id: String,
    /// A display name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// The price where no region-specific one applies, in US dollars.
    #[serde(default, deserialize_with = "null_default")]
    pub price: Price,
    /// The regions where the price differs.
    #[serde(default, deserialize_with = "null_default")]
    pub region_prices: Vec<RegionPrice>,
    /// Monthly outbound transfer included, in MB.
    #[serde(default, deserialize_with = "null_default")]
    pub transfer: u64,
}

/// The price of a type in one region, in US dollars.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RegionPrice {
    /// The region, such as `id-cgk`.
    pub id: String,
    /// Per hour.
    #[serde(default, deserialize_with = "null_default")]
    pub hourly: f64,
    /// Per month.
    #[serde(default, deserialize_with = "null_default")]
    pub monthly: f64,
}

filterable!(PricedType {
    LABEL: Text = "label",
    PRICE_HOURLY: Number = "price.hourly",
    PRICE_MONTHLY: Number = "price.monthly",
    TRANSFER: Number = "transfer",
});

impl PricedType {
    /// The price in `region`: its region-specific price, or the base price.
    pub fn price_in(&self, region: &str) -> Price {
        match self.region_prices.iter().find(|p| p.id == region) {
            Some(p) => Price {
                hourly: p.hourly,
                monthly: p.monthly,
            },
            None => self.price.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_price_replaces_the_base_price_and_nulls_are_tolerated() {
        let t: PricedType = serde_json::from_value(serde_json::json!({
            "id": "volume", "label": null, "transfer": null,
            "price": {"hourly": 0.00015, "monthly": 0.1},
            "region_prices": [{"id": "br-gru", "hourly": 0.00021, "monthly": 0.14}],
            "new_field": 1
        }))
        .unwrap();
        assert_eq!(t.price_in("br-gru").monthly, 0.14);
        assert_eq!(t.price_in("us-east").monthly, 0.1);
        assert_eq!(t.label, "");
        assert_eq!(t.transfer, 0);
    }
}

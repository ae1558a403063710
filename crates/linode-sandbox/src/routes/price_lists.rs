//! Price lists: the "types" collections several families serve (`GET /volumes/types`,
//! `/nodebalancers/types`, `/longview/types`, later `/lke/types` and others), all of one
//! shape: `id`, `label`, a base `price`, `region_prices` where a region costs more, and the
//! monthly `transfer` included, in MB.

use std::sync::OnceLock;

use axum::response::Json;
use serde_json::{Value, json};

use super::{ListRequest, list_response};
use crate::catalog::region_prices;
use crate::error::ApiError;

/// Fields a price list may filter and order on.
const FILTERABLE: &[&str] = &["label", "price.hourly", "price.monthly", "transfer"];

/// One priced type: id, label, hourly and monthly price in US dollars, transfer in MB.
pub(super) type Entry = (&'static str, &'static str, f64, f64, u64);

/// A family's price list, built into API objects on first use.
pub(super) struct PriceList {
    entries: &'static [Entry],
    regional: bool,
    built: OnceLock<Vec<Value>>,
}

impl PriceList {
    /// The list of `entries`, in this order, priced higher in the regions that cost more.
    pub(super) const fn new(entries: &'static [Entry]) -> Self {
        PriceList {
            entries,
            regional: true,
            built: OnceLock::new(),
        }
    }

    /// The list of `entries`, in this order, at one price everywhere (`region_prices` empty).
    pub(super) const fn flat(entries: &'static [Entry]) -> Self {
        PriceList {
            entries,
            regional: false,
            built: OnceLock::new(),
        }
    }

    /// The types as the API shows them.
    pub(super) fn types(&self) -> &[Value] {
        self.built.get_or_init(|| {
            self.entries
                .iter()
                .map(|&(id, label, hourly, monthly, transfer)| {
                    json!({
                        "id": id,
                        "label": label,
                        "price": {"hourly": hourly, "monthly": monthly},
                        "region_prices": if self.regional {
                            region_prices(hourly, monthly)
                        } else {
                            Vec::new()
                        },
                        "transfer": transfer,
                    })
                })
                .collect()
        })
    }

    /// The paginated, filterable answer of the list's `GET`.
    pub(super) fn list(&self, req: &ListRequest) -> Result<Json<Value>, ApiError> {
        list_response(self.types(), FILTERABLE, req)
    }
}

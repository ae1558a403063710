//! The account: `/account/...`.

use crate::client::Client;

/// Calls under `/account`.
#[derive(Debug, Clone, Copy)]
pub struct AccountGroup<'c> {
    pub(crate) client: &'c Client,
}

impl Client {
    /// The account: events, settings, billing, users (`/account/...`).
    pub fn account(&self) -> AccountGroup<'_> {
        AccountGroup { client: self }
    }
}

//! Beta programs: `/betas`, the programs the account can enrol in.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path};
use crate::error::Result;
use crate::filter::filterable;
use crate::model::{Resource, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_BETAS = GET "/betas";
    GET_BETA = GET "/betas/{betaId}";
}

/// A beta program.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BetaProgram {
    /// Its id, such as `example_open`.
    pub id: String,
    /// Its name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// What it is about.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// When it started.
    #[serde(with = "timestamp")]
    pub started: timestamp::Timestamp,
    /// When it ends, if that is known.
    #[serde(default, with = "timestamp::option")]
    pub ended: Option<timestamp::Timestamp>,
    /// Whether enrolment needs Green Light participation.
    #[serde(default, deserialize_with = "null_default")]
    pub greenlight_only: bool,
    /// Where to read more, if anywhere.
    #[serde(default)]
    pub more_info: Option<String>,
}

filterable!(BetaProgram {
    ENDED: Time = "ended",
    GREENLIGHT_ONLY: Bool = "greenlight_only",
    LABEL: Text = "label",
    STARTED: Time = "started",
});

impl Resource for BetaProgram {
    type Id = String;
    fn path(id: &String) -> Path {
        GET_BETA.path(&[id])
    }
}

/// Calls under `/betas`.
#[derive(Debug, Clone, Copy)]
pub struct BetasGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Beta programs (`/betas`).
    pub fn betas(&self) -> BetasGroup<'_> {
        BetasGroup { client: self }
    }
}

impl BetasGroup<'_> {
    /// Lists the beta programs open now.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::betas::BetaProgram;
    /// let open = client.betas().list().filter(BetaProgram::GREENLIGHT_ONLY.eq(false)).await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListRequest<BetaProgram> {
        ListRequest::new(self.client, LIST_BETAS.path(&[]))
    }

    /// Loads one beta program.
    pub async fn get(&self, id: &str) -> Result<BetaProgram> {
        self.client.load::<BetaProgram>(id.to_owned()).await
    }
}

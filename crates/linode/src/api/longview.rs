//! Longview: `/longview/clients` and `/longview/subscriptions`.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::client::{Client, Path, Request};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, loose_bool, null_default, timestamp};
use crate::pagination::ListRequest;

/// A Longview client: the agent installed on a server to report its metrics.
///
/// Not comparable with `==`, and its API key is left out when it is serialized: the key is a
/// secret.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LongviewClient {
    /// The client's id.
    pub id: u64,
    /// Its name (mutable).
    pub label: String,
    /// The key the agent authenticates with.
    #[serde(skip_serializing, default = "no_secret", deserialize_with = "secret")]
    pub api_key: SecretString,
    /// The code that installs the agent (`curl -s https://lv.linode.com/<code> | sudo bash`).
    #[serde(default, deserialize_with = "null_default")]
    pub install_code: String,
    /// Which applications the agent watches.
    #[serde(default, deserialize_with = "null_default")]
    pub apps: LongviewApps,
    /// When it was created.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// When it was last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
}

fn no_secret() -> SecretString {
    SecretString::from(String::new())
}

fn secret<'de, D: serde::Deserializer<'de>>(d: D) -> Result<SecretString, D::Error> {
    Ok(SecretString::from(
        Option::<String>::deserialize(d)?.unwrap_or_default(),
    ))
}

/// Applications a Longview agent watches. The API answers booleans to reads and `0`/`1` to a
/// creation: both are accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LongviewApps {
    /// Apache.
    #[serde(default, deserialize_with = "loose_bool")]
    pub apache: bool,
    /// nginx.
    #[serde(default, deserialize_with = "loose_bool")]
    pub nginx: bool,
    /// MySQL.
    #[serde(default, deserialize_with = "loose_bool")]
    pub mysql: bool,
}

filterable!(LongviewClient {
    LABEL: Text = "label",
});

impl Resource for LongviewClient {
    type Id = u64;
    fn path(id: &u64) -> Path {
        Path::new("/longview/clients").segment(id)
    }
}

impl LongviewClient {
    /// Sends the label and replaces `self` with the answer.
    pub async fn save(&mut self, client: &Client) -> Result<()> {
        *self = client
            .longview()
            .update_client(self.id, &self.label)
            .await?;
        Ok(())
    }

    /// Deletes the client.
    pub async fn delete(self, client: &Client) -> Result<()> {
        client.longview().delete_client(self.id).await
    }
}

/// A Longview Pro plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LongviewSubscription {
    /// The plan's id, such as `longview-10`.
    pub id: String,
    /// Its name.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// How many clients it covers.
    #[serde(default, deserialize_with = "null_default")]
    pub clients_included: u64,
    /// Its price.
    #[serde(default)]
    pub price: Option<crate::api::linode::Price>,
}

impl Resource for LongviewSubscription {
    type Id = String;
    fn path(id: &String) -> Path {
        Path::new("/longview/subscriptions").segment(id)
    }
}

/// Calls under `/longview`.
#[derive(Debug, Clone, Copy)]
pub struct LongviewGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Longview clients and plans (`/longview/...`).
    pub fn longview(&self) -> LongviewGroup<'_> {
        LongviewGroup { client: self }
    }
}

#[derive(Serialize)]
struct LabelBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<&'a str>,
}

fn check_label(label: &str) -> Result<()> {
    if !(3..=32).contains(&label.chars().count()) {
        return Err(Error::invalid("label", "must be 3-32 characters"));
    }
    Ok(())
}

impl LongviewGroup<'_> {
    /// Lists the Longview clients.
    pub fn clients(&self) -> ListRequest<LongviewClient> {
        ListRequest::new(self.client, Path::new("/longview/clients"))
    }

    /// Loads one Longview client.
    pub async fn client(&self, id: u64) -> Result<LongviewClient> {
        self.client.load::<LongviewClient>(id).await
    }

    /// Creates a Longview client, optionally labelled (the API names it `longview<id>`
    /// otherwise). The answer holds its API key and install code.
    pub async fn create_client(&self, label: Option<&str>) -> Result<LongviewClient> {
        if let Some(label) = label {
            check_label(label)?;
        }
        self.client
            .send(Request::post(
                Path::new("/longview/clients"),
                &LabelBody { label },
            )?)
            .await
    }

    /// Renames a Longview client.
    pub async fn update_client(&self, id: u64, label: &str) -> Result<LongviewClient> {
        check_label(label)?;
        self.client
            .send(Request::put(
                LongviewClient::path(&id),
                &LabelBody { label: Some(label) },
            )?)
            .await
    }

    /// Deletes a Longview client.
    pub async fn delete_client(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(Request::delete(LongviewClient::path(&id)))
            .await
    }

    /// Lists the Longview Pro plans.
    pub fn subscriptions(&self) -> ListRequest<LongviewSubscription> {
        ListRequest::new(self.client, Path::new("/longview/subscriptions"))
    }

    /// Loads one Longview Pro plan, such as `longview-10`.
    pub async fn subscription(&self, id: &str) -> Result<LongviewSubscription> {
        self.client
            .load::<LongviewSubscription>(id.to_owned())
            .await
    }
}

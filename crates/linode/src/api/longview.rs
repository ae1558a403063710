//! Longview: `/longview/clients` and `/longview/subscriptions`.

use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::api::pricing::PricedType;
use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, loose_bool, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_LONGVIEW_CLIENTS = GET "/longview/clients";
    CREATE_LONGVIEW_CLIENT = POST "/longview/clients";
    GET_LONGVIEW_CLIENT = GET "/longview/clients/{clientId}";
    UPDATE_LONGVIEW_CLIENT = PUT "/longview/clients/{clientId}";
    DELETE_LONGVIEW_CLIENT = DELETE "/longview/clients/{clientId}";
    LIST_LONGVIEW_SUBSCRIPTIONS = GET "/longview/subscriptions";
    GET_LONGVIEW_SUBSCRIPTION = GET "/longview/subscriptions/{subscriptionId}";
    GET_LONGVIEW_PLAN = GET "/longview/plan";
    UPDATE_LONGVIEW_PLAN = PUT "/longview/plan";
    LIST_LONGVIEW_TYPES = GET "/longview/types";
}

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
        GET_LONGVIEW_CLIENT.path(&[id])
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
        GET_LONGVIEW_SUBSCRIPTION.path(&[id])
    }
}

/// The account's plan as the API answers it: a Longview Pro plan, or `{}` for Longview Free.
#[derive(Deserialize)]
#[serde(untagged)]
enum PlanAnswer {
    Pro(LongviewSubscription),
    Free {},
}

impl From<PlanAnswer> for Option<LongviewSubscription> {
    fn from(answer: PlanAnswer) -> Self {
        match answer {
            PlanAnswer::Pro(plan) => Some(plan),
            PlanAnswer::Free {} => None,
        }
    }
}

#[derive(Serialize)]
struct PlanBody<'a> {
    longview_subscription: Option<&'a str>,
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
        ListRequest::new(self.client, LIST_LONGVIEW_CLIENTS.path(&[]))
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
            .send(CREATE_LONGVIEW_CLIENT.with_body(&[], &LabelBody { label })?)
            .await
    }

    /// Renames a Longview client.
    pub async fn update_client(&self, id: u64, label: &str) -> Result<LongviewClient> {
        check_label(label)?;
        self.client
            .send(UPDATE_LONGVIEW_CLIENT.with_body(&[&id], &LabelBody { label: Some(label) })?)
            .await
    }

    /// Deletes a Longview client.
    pub async fn delete_client(&self, id: u64) -> Result<()> {
        self.client
            .send_empty(DELETE_LONGVIEW_CLIENT.request(&[&id]))
            .await
    }

    /// Lists the Longview Pro plans.
    pub fn subscriptions(&self) -> ListRequest<LongviewSubscription> {
        ListRequest::new(self.client, LIST_LONGVIEW_SUBSCRIPTIONS.path(&[]))
    }

    /// The Longview price list (`GET /longview/types`).
    pub fn types(&self) -> ListRequest<PricedType> {
        ListRequest::new(self.client, LIST_LONGVIEW_TYPES.path(&[]))
    }

    /// The account's Longview Pro plan, or `None` on Longview Free.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// client.longview().set_plan(Some("longview-10")).await?;
    /// let plan = client.longview().plan().await?;
    /// assert_eq!(plan.map(|p| p.clients_included), Some(10));
    /// # Ok(()) }
    /// ```
    pub async fn plan(&self) -> Result<Option<LongviewSubscription>> {
        let answer: PlanAnswer = self.client.send(GET_LONGVIEW_PLAN.request(&[])).await?;
        Ok(answer.into())
    }

    /// Changes the account's plan to the Longview Pro plan `subscription` (such as
    /// `longview-10`), or to Longview Free with `None`; answers the plan as it is now.
    pub async fn set_plan(
        &self,
        subscription: Option<&str>,
    ) -> Result<Option<LongviewSubscription>> {
        if subscription.is_some_and(|s| s.trim().is_empty()) {
            return Err(Error::invalid("longview_subscription", "is empty"));
        }
        let body = PlanBody {
            longview_subscription: subscription,
        };
        let answer: PlanAnswer = self
            .client
            .send(UPDATE_LONGVIEW_PLAN.with_body(&[], &body)?)
            .await?;
        Ok(answer.into())
    }

    /// Loads one Longview Pro plan, such as `longview-10`.
    pub async fn subscription(&self, id: &str) -> Result<LongviewSubscription> {
        self.client
            .load::<LongviewSubscription>(id.to_owned())
            .await
    }
}

//! Support tickets: `/support/tickets` and their replies.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_TICKETS = GET "/support/tickets";
    OPEN_TICKET = POST "/support/tickets";
    GET_TICKET = GET "/support/tickets/{ticketId}";
    CLOSE_TICKET = POST "/support/tickets/{ticketId}/close";
    LIST_REPLIES = GET "/support/tickets/{ticketId}/replies";
    CREATE_REPLY = POST "/support/tickets/{ticketId}/replies";
}

api_enum! {
    /// Where a ticket stands.
    pub enum TicketStatus {
        /// Opened, not answered yet.
        New = "new",
        /// In conversation.
        Open = "open",
        /// Closed.
        Closed = "closed",
    }
}

/// A support ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SupportTicket {
    /// The ticket's id.
    pub id: u64,
    /// Its summary.
    #[serde(default, deserialize_with = "null_default")]
    pub summary: String,
    /// Its description, the first message.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// Where it stands.
    pub status: TicketStatus,
    /// What it is about, if anything.
    #[serde(default)]
    pub entity: Option<TicketEntity>,
    /// When it was opened.
    #[serde(with = "timestamp")]
    pub opened: timestamp::Timestamp,
    /// Who opened it.
    #[serde(default, deserialize_with = "null_default")]
    pub opened_by: String,
    /// When it last changed.
    #[serde(with = "timestamp")]
    pub updated: timestamp::Timestamp,
    /// Who changed it last.
    #[serde(default)]
    pub updated_by: Option<String>,
    /// When it was closed, if it was.
    #[serde(default, with = "timestamp::option")]
    pub closed: Option<timestamp::Timestamp>,
    /// Whether you may close it.
    #[serde(default, deserialize_with = "null_default")]
    pub closable: bool,
    /// Names of its attachments.
    #[serde(default, deserialize_with = "null_default")]
    pub attachments: Vec<String>,
    /// The opener's Gravatar id.
    #[serde(default)]
    pub gravatar_id: Option<String>,
}

/// The object a ticket is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketEntity {
    /// Its id.
    pub id: u64,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its type: `linode`, `domain`, `nodebalancer`, `volume`, ...
    #[serde(rename = "type")]
    pub kind: String,
    /// Its API URL.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
}

filterable!(SupportTicket {
    CLOSED: Time = "closed",
    OPENED: Time = "opened",
    OPENED_BY: Text = "opened_by",
    STATUS: Text = "status",
    UPDATED: Time = "updated",
});

impl Resource for SupportTicket {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_TICKET.path(&[id])
    }
}

/// A reply on a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TicketReply {
    /// The reply's id.
    pub id: u64,
    /// What it says.
    #[serde(default, deserialize_with = "null_default")]
    pub description: String,
    /// When it was written.
    #[serde(with = "timestamp")]
    pub created: timestamp::Timestamp,
    /// Who wrote it.
    #[serde(default, deserialize_with = "null_default")]
    pub created_by: String,
    /// Whether Linode's staff wrote it.
    #[serde(default, deserialize_with = "null_default")]
    pub from_linode: bool,
    /// The writer's Gravatar id.
    #[serde(default)]
    pub gravatar_id: Option<String>,
}

/// What a ticket is about: one object of the account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Regarding {
    /// A Linode instance.
    Linode(u64),
    /// A domain.
    Domain(u64),
    /// A NodeBalancer.
    NodeBalancer(u64),
    /// A Block Storage volume.
    Volume(u64),
    /// A managed database.
    Database(u64),
    /// A cloud firewall.
    Firewall(u64),
    /// A Kubernetes cluster.
    LkeCluster(u64),
    /// A Longview client.
    LongviewClient(u64),
    /// A VPC.
    Vpc(u64),
}

impl Regarding {
    /// The request field that names it, such as `linode_id`, and the id.
    pub fn field(&self) -> (&'static str, u64) {
        match *self {
            Regarding::Linode(id) => ("linode_id", id),
            Regarding::Domain(id) => ("domain_id", id),
            Regarding::NodeBalancer(id) => ("nodebalancer_id", id),
            Regarding::Volume(id) => ("volume_id", id),
            Regarding::Database(id) => ("database_id", id),
            Regarding::Firewall(id) => ("firewall_id", id),
            Regarding::LkeCluster(id) => ("lkecluster_id", id),
            Regarding::LongviewClient(id) => ("longviewclient_id", id),
            Regarding::Vpc(id) => ("vpc_id", id),
        }
    }
}

impl Serialize for Regarding {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (field, id) = self.field();
        let mut map = s.serialize_map(Some(1))?;
        map.serialize_entry(field, &id)?;
        map.end()
    }
}

/// A ticket to open: a summary, a description and at most one object it is about.
///
/// ```
/// use linode::api::support::{OpenTicket, Regarding};
/// let request = OpenTicket::new("Cannot boot", "My Linode will not boot since this morning.")
///     .regarding(Regarding::Linode(123));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct OpenTicket {
    summary: String,
    description: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    regarding: Option<Regarding>,
}

impl OpenTicket {
    /// A ticket with a summary (1-64 characters) and a description.
    pub fn new(summary: impl Into<String>, description: impl Into<String>) -> Self {
        OpenTicket {
            summary: summary.into(),
            description: description.into(),
            regarding: None,
        }
    }

    /// The object the ticket is about (replacing any set before).
    pub fn regarding(mut self, regarding: Regarding) -> Self {
        self.regarding = Some(regarding);
        self
    }

    fn validate(&self) -> Result<()> {
        if !(1..=64).contains(&self.summary.chars().count()) {
            return Err(Error::invalid("summary", "must be 1-64 characters"));
        }
        if self.description.trim().is_empty() {
            return Err(Error::invalid("description", "is empty"));
        }
        Ok(())
    }
}

/// Calls under `/support`.
#[derive(Debug, Clone, Copy)]
pub struct SupportGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Support tickets (`/support/...`).
    pub fn support(&self) -> SupportGroup<'_> {
        SupportGroup { client: self }
    }
}

impl SupportGroup<'_> {
    /// Lists the tickets, newest first.
    pub fn tickets(&self) -> ListRequest<SupportTicket> {
        ListRequest::new(self.client, LIST_TICKETS.path(&[]))
    }

    /// Loads one ticket.
    pub async fn ticket(&self, id: u64) -> Result<SupportTicket> {
        self.client.load::<SupportTicket>(id).await
    }

    /// Opens a ticket.
    pub async fn open_ticket(&self, request: OpenTicket) -> Result<SupportTicket> {
        request.validate()?;
        self.client
            .send(OPEN_TICKET.with_body(&[], &request)?)
            .await
    }

    /// Lists the replies of a ticket.
    pub fn replies(&self, ticket_id: u64) -> ListRequest<TicketReply> {
        ListRequest::new(self.client, LIST_REPLIES.path(&[&ticket_id]))
    }

    /// Replies on a ticket.
    pub async fn reply(&self, ticket_id: u64, description: &str) -> Result<TicketReply> {
        #[derive(Serialize)]
        struct Body<'a> {
            description: &'a str,
        }
        if description.trim().is_empty() {
            return Err(Error::invalid("description", "is empty"));
        }
        self.client
            .send(CREATE_REPLY.with_body(&[&ticket_id], &Body { description })?)
            .await
    }

    /// Closes a ticket (when it is closable).
    pub async fn close_ticket(&self, ticket_id: u64) -> Result<()> {
        self.client
            .send_empty(CLOSE_TICKET.request(&[&ticket_id]))
            .await
    }
}

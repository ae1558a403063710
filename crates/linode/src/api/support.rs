//! Support tickets: `/support/tickets` and their replies.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default, setters, timestamp};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_TICKETS = GET "/support/tickets";
    OPEN_TICKET = POST "/support/tickets";
    GET_TICKET = GET "/support/tickets/{ticketId}";
    CLOSE_TICKET = POST "/support/tickets/{ticketId}/close";
    LIST_REPLIES = GET "/support/tickets/{ticketId}/replies";
    ADD_ATTACHMENT = POST "/support/tickets/{ticketId}/attachments";
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

setters! {
    OpenTicket {
        /// The object the ticket is about (replacing any set before).
        regarding: value Regarding,
    }
}

/// The largest attachment accepted, in bytes: 5 MB (the limit Cloud Manager states; the API's
/// description names none).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;

/// The file extensions the API accepts for an attachment.
pub const ATTACHMENT_EXTENSIONS: &[&str] = &[
    "gif", "jpg", "jpeg", "pjpg", "pjpeg", "tif", "tiff", "png", "pdf", "txt",
];

/// Checks an attachment before it is sent: a plain file name (no directories, quotes or
/// control characters) with an accepted extension, and contents within the size limit.
fn check_attachment(file_name: &str, contents: &[u8]) -> Result<()> {
    if file_name.trim().is_empty() {
        return Err(Error::invalid("file", "the file name is empty"));
    }
    if file_name
        .chars()
        .any(|c| c.is_control() || matches!(c, '/' | '\\' | '"'))
    {
        return Err(Error::invalid(
            "file",
            "the file name must be a plain name, without directories or quotes",
        ));
    }
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    if !ATTACHMENT_EXTENSIONS.contains(&extension.as_str()) {
        return Err(Error::invalid(
            "file",
            format!(
                "the file type must be one of .{}",
                ATTACHMENT_EXTENSIONS.join(", .")
            ),
        ));
    }
    if contents.len() > MAX_ATTACHMENT_BYTES {
        return Err(Error::invalid("file", "the file is larger than 5 MB"));
    }
    Ok(())
}

/// A `multipart/form-data` body holding one file in field `file`: its media type (with the
/// boundary) and its bytes. The boundary is the first of a fixed sequence that does not occur
/// in the contents, so the same file always gives the same body.
fn multipart_file(file_name: &str, contents: &[u8]) -> (String, Vec<u8>) {
    let boundary = (0u32..)
        .map(|n| format!("linode-rs-boundary-{n:08x}"))
        .find(|b| !contents.windows(b.len()).any(|w| w == b.as_bytes()))
        .unwrap_or_default();
    let mut body = Vec::with_capacity(contents.len() + 256);
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(contents);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
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

    /// Attaches a file to an open ticket: `file_name` is the name the ticket shows (a
    /// `.gif`, `.jpg`, `.jpeg`, `.pjpg`, `.pjpeg`, `.tif`, `.tiff`, `.png`, `.pdf` or `.txt`
    /// file), `contents` its bytes, at most [`MAX_ATTACHMENT_BYTES`]. Sent as the API wants
    /// it, a `multipart/form-data` upload.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// let log = std::fs::read("/var/log/boot.txt").unwrap_or_default();
    /// client.support().attach(123, "boot.txt", log).await?;
    /// # Ok(()) }
    /// ```
    pub async fn attach(
        &self,
        ticket_id: u64,
        file_name: &str,
        contents: impl Into<Vec<u8>>,
    ) -> Result<()> {
        let contents = contents.into();
        check_attachment(file_name, &contents)?;
        let (content_type, body) = multipart_file(file_name, &contents);
        self.client
            .send_empty(
                ADD_ATTACHMENT
                    .request(&[&ticket_id])
                    .raw_body(content_type, body),
            )
            .await
    }

    /// Closes a ticket (when it is closable).
    pub async fn close_ticket(&self, ticket_id: u64) -> Result<()> {
        self.client
            .send_empty(CLOSE_TICKET.request(&[&ticket_id]))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_attachment_is_one_file_field_whose_boundary_avoids_the_contents() {
        let (content_type, body) = multipart_file("a.txt", b"linode-rs-boundary-00000000 hi");
        assert_eq!(
            content_type,
            "multipart/form-data; boundary=linode-rs-boundary-00000001"
        );
        assert_eq!(
            String::from_utf8(body).unwrap(),
            "--linode-rs-boundary-00000001\r\n\
             Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n\
             linode-rs-boundary-00000000 hi\r\n--linode-rs-boundary-00000001--\r\n"
        );
        assert!(check_attachment("a.txt", b"x").is_ok());
        assert!(check_attachment("../a.txt", b"x").is_err());
        assert!(check_attachment("a.exe", b"x").is_err());
        assert!(check_attachment("a.txt", &vec![0; MAX_ATTACHMENT_BYTES + 1]).is_err());
    }
}

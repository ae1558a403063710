//! An async client for the [Linode API v4](https://techdocs.akamai.com/linode-api/reference/api).
//!
//! The client is divided into groups that follow the API's URL tree: `client.linode()`,
//! `client.regions()`, `client.images()`, `client.volumes()`, `client.domains()`,
//! `client.nodebalancers()`, `client.networking()`, `client.account()`, `client.profile()`,
//! `client.longview()` and `client.support()`; [`login`] handles OAuth. Lists come back as
//! [`PaginatedList`]s that load pages only as needed; filters are expressions on model fields
//! that the compiler checks; [`Lazy`] handles load a model on first use and reload it when its
//! volatile fields go stale; [`events`] waits for long-running work with deadlines; failed
//! requests are retried only where that cannot repeat a create ([`RetryPolicy`]).
//!
//! The runnable programs in `examples/` run against `linode-sandbox`, a local emulator of the
//! API, unless `LINODE_TOKEN` is set.
//!
//! ```no_run
//! use linode::{Client, api::linode::{CreateInstance, Instance}};
//! use secrecy::ExposeSecret;
//!
//! # async fn demo() -> linode::Result<()> {
//! let client = Client::from_env()?; // LINODE_TOKEN, LINODE_API_URL, ...
//!
//! // Lists page transparently.
//! let regions = client.regions().list().await?;
//! println!("{} regions", regions.len());
//!
//! // A root password is generated when none is given.
//! let created = client
//!     .linode()
//!     .create_instance(CreateInstance::from_image("us-east", "g6-standard-2", "linode/debian12"))
//!     .await?;
//! let password = created.root_pass.as_ref().map(|p| p.expose_secret().len());
//! println!("created {} (password of {:?} chars)", created.instance.label, password);
//!
//! // Filters are expressions on the model's fields.
//! let mut prod = client.linode().instances().filter(Instance::GROUP.eq("prod")).await?;
//! if let Some(first) = prod.first().await? {
//!     println!("first prod linode: {}", first.label);
//! }
//! # Ok(()) }
//! ```

#![warn(missing_docs)]

pub mod api;
mod client;
mod config;
mod error;
pub mod events;
pub mod filter;
mod lazy;
pub mod login;
mod model;
mod operation;
mod pagination;
mod retry;

#[cfg(test)]
mod coverage;
#[cfg(feature = "fuzzing")]
pub mod fuzzing;
#[cfg(test)]
mod proptests;

pub use client::{
    Answer, ApiVersion, ApiWarning, Client, ClientBuilder, DEFAULT_BASE_URL, Path, Request,
};
pub use config::{ENV_API_URL, ENV_API_VERSION, ENV_CA, ENV_CLI_CONFIG, ENV_TOKEN};
pub use error::{Error, FieldError, Result};
pub use lazy::Lazy;
pub use model::{ChildId, Encryption, LockType, MaintenancePolicy, Ref, Resource, timestamp};
pub use pagination::{ListRequest, PaginatedList};
pub use retry::RetryPolicy;
pub use secrecy::{ExposeSecret, SecretString};

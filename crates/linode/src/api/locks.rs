//! Resource locks: `/locks`. A lock keeps a Linode, NodeBalancer, volume or LKE object from
//! being deleted until the lock itself is deleted.

use serde::{Deserialize, Serialize};

use crate::client::{Client, Path};
use crate::error::{Error, Result};
use crate::filter::filterable;
use crate::model::{Resource, api_enum, null_default};
use crate::operation::operations;
use crate::pagination::ListRequest;

operations! {
    LIST_LOCKS = GET "/locks";
    CREATE_LOCK = POST "/locks";
    GET_LOCK = GET "/locks/{resourceLockId}";
    DELETE_LOCK = DELETE "/locks/{resourceLockId}";
}

/// What a lock forbids (shared with the `locks` field of the objects it protects).
pub use crate::model::LockType;

api_enum! {
    /// The kinds of objects a lock can protect.
    pub enum LockEntityType {
        /// A Linode instance.
        Linode = "linode",
        /// A NodeBalancer.
        NodeBalancer = "nodebalancer",
        /// A Block Storage volume.
        Volume = "volume",
        /// An LKE cluster (only `cannot_delete`).
        LkeCluster = "lkecluster",
        /// An LKE node pool (only `cannot_delete`).
        LkeNodePool = "lkenodepool",
    }
}

/// A resource lock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Lock {
    /// The lock's id.
    pub id: u64,
    /// What it forbids.
    pub lock_type: LockType,
    /// The object it protects.
    pub entity: LockEntity,
}

/// The object a [`Lock`] protects.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LockEntity {
    /// The object's id.
    pub id: u64,
    /// Its kind.
    #[serde(rename = "type")]
    pub entity_type: LockEntityType,
    /// Its label.
    #[serde(default, deserialize_with = "null_default")]
    pub label: String,
    /// Its path in the API, such as `/v4/linode/instances/123`.
    #[serde(default, deserialize_with = "null_default")]
    pub url: String,
}

filterable!(Lock {
    ENTITY_ID: Number = "entity.id",
    ENTITY_TYPE: Text = "entity.type",
    ID: Number = "id",
    LOCK_TYPE: Text = "lock_type",
});

impl Resource for Lock {
    type Id = u64;
    fn path(id: &u64) -> Path {
        GET_LOCK.path(&[id])
    }
}

/// What to lock: an object by kind and id, and the kind of lock.
///
/// ```
/// use linode::api::locks::{CreateLock, LockEntityType, LockType};
/// let request = CreateLock::new(LockEntityType::Linode, 123, LockType::CannotDelete);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CreateLock {
    /// The kind of object.
    pub entity_type: LockEntityType,
    /// Its id.
    pub entity_id: u64,
    /// What the lock forbids.
    pub lock_type: LockType,
}

impl CreateLock {
    /// A lock of `lock_type` on object `entity_id` of kind `entity_type`.
    pub fn new(entity_type: LockEntityType, entity_id: u64, lock_type: LockType) -> Self {
        CreateLock {
            entity_type,
            entity_id,
            lock_type,
        }
    }

    /// LKE objects only take `cannot_delete` (they have no sub-resources to protect).
    fn validate(&self) -> Result<()> {
        let lke = matches!(
            self.entity_type,
            LockEntityType::LkeCluster | LockEntityType::LkeNodePool
        );
        if lke && self.lock_type == LockType::CannotDeleteWithSubresources {
            return Err(Error::invalid(
                "lock_type",
                "cannot_delete_with_subresources does not apply to LKE clusters and node pools",
            ));
        }
        Ok(())
    }
}

/// Calls under `/locks`.
#[derive(Debug, Clone, Copy)]
pub struct LocksGroup<'c> {
    client: &'c Client,
}

impl Client {
    /// Resource locks (`/locks`).
    pub fn locks(&self) -> LocksGroup<'_> {
        LocksGroup { client: self }
    }
}

impl LocksGroup<'_> {
    /// Lists the account's locks.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::locks::Lock;
    /// let on_linodes = client.locks().list().filter(Lock::ENTITY_TYPE.eq("linode")).await?;
    /// # Ok(()) }
    /// ```
    pub fn list(&self) -> ListRequest<Lock> {
        ListRequest::new(self.client, LIST_LOCKS.path(&[]))
    }

    /// Loads one lock.
    pub async fn get(&self, id: u64) -> Result<Lock> {
        self.client.load::<Lock>(id).await
    }

    /// Locks an object; the API refuses a second delete lock on the same object.
    ///
    /// ```no_run
    /// # async fn demo(client: linode::Client) -> linode::Result<()> {
    /// use linode::api::locks::{CreateLock, LockEntityType, LockType};
    /// let lock = client
    ///     .locks()
    ///     .create(&CreateLock::new(LockEntityType::Linode, 123, LockType::CannotDelete))
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, request: &CreateLock) -> Result<Lock> {
        request.validate()?;
        self.client.send(CREATE_LOCK.with_body(&[], request)?).await
    }

    /// Deletes a lock, so that its object can be deleted again.
    pub async fn delete(&self, id: u64) -> Result<()> {
        self.client.send_empty(DELETE_LOCK.request(&[&id])).await
    }
}

//! [`Lazy`] handles: a model known by id, loaded on first use, refreshed when volatile fields go
//! stale.

use std::fmt;
use std::sync::Arc;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::client::Client;
use crate::error::Result;
use crate::model::Resource;

/// A model known by its id, loaded from the API the first time it is read.
///
/// Building one costs nothing and sends nothing; [`get`](Lazy::get) loads the object once and
/// caches it. For models with volatile fields (such as an instance's `status`), `get` loads it
/// again once the client's [volatile TTL](crate::ClientBuilder::volatile_ttl) has passed.
///
/// ```no_run
/// # async fn demo(client: linode::Client) -> linode::Result<()> {
/// use linode::{Lazy, api::linode::Instance};
/// let linode: Lazy<Instance> = Lazy::new(&client, 123); // no request
/// assert_eq!(*linode.id(), 123);                        // no request
/// let loaded = linode.get().await?;                     // one request
/// println!("{} is {}", loaded.label, loaded.status);
/// # Ok(()) }
/// ```
pub struct Lazy<T: Resource> {
    client: Client,
    id: T::Id,
    cache: Mutex<Option<Loaded<T>>>,
}

struct Loaded<T> {
    value: Arc<T>,
    at: Instant,
}

impl<T: Resource> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Lazy")
            .field("id", &self.id)
            .field("loaded", &self.is_loaded())
            .finish()
    }
}

impl<T: Resource> Lazy<T> {
    /// A handle on the object with this id. Sends nothing.
    pub fn new(client: &Client, id: T::Id) -> Self {
        Lazy {
            client: client.clone(),
            id,
            cache: Mutex::new(None),
        }
    }

    /// A handle already holding `value` (as loaded at this instant).
    pub fn with_value(client: &Client, id: T::Id, value: T) -> Self {
        let loaded = Loaded {
            value: Arc::new(value),
            at: Instant::now(),
        };
        Lazy {
            client: client.clone(),
            id,
            cache: Mutex::new(Some(loaded)),
        }
    }

    /// The id (no request).
    pub fn id(&self) -> &T::Id {
        &self.id
    }

    /// Whether the object has been loaded.
    pub fn is_loaded(&self) -> bool {
        self.cache.try_lock().map(|c| c.is_some()).unwrap_or(true)
    }

    /// The object: loaded on the first call, from the cache after, and loaded again when the
    /// model is volatile and older than the client's volatile TTL. A missing object is an
    /// [`Error::Api`](crate::Error::Api) with status 404.
    pub async fn get(&self) -> Result<Arc<T>> {
        let mut cache = self.cache.lock().await;
        if let Some(loaded) = cache.as_ref() {
            let fresh = !T::VOLATILE || loaded.at.elapsed() < self.client.volatile_ttl();
            if fresh {
                return Ok(Arc::clone(&loaded.value));
            }
        }
        self.fill(&mut cache).await
    }

    /// Loads the object again now, whatever the cache holds.
    pub async fn refresh(&self) -> Result<Arc<T>> {
        let mut cache = self.cache.lock().await;
        self.fill(&mut cache).await
    }

    async fn fill(&self, cache: &mut Option<Loaded<T>>) -> Result<Arc<T>> {
        let value = Arc::new(self.client.load::<T>(self.id.clone()).await?);
        *cache = Some(Loaded {
            value: Arc::clone(&value),
            at: Instant::now(),
        });
        Ok(value)
    }
}

impl Client {
    /// A [`Lazy`] handle on the object with this id; sends nothing.
    pub fn lazy<T: Resource>(&self, id: T::Id) -> Lazy<T> {
        Lazy::new(self, id)
    }
}

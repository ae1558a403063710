//! Collections that page transparently: [`ListRequest`] is the query, [`PaginatedList`] the
//! result, loading only the pages it needs.

use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::ops::{Bound, RangeBounds};
use std::pin::Pin;
use std::sync::Arc;

use futures::future::{self, Either};
use futures::{Stream, StreamExt, TryStreamExt, stream};
use serde::de::{
    DeserializeOwned, DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::{Deserialize, Deserializer};
use tokio::task::JoinSet;

use crate::client::{ApiVersion, ApiWarning, BURST_PAGES, Client, Path, Request, log_warnings};
use crate::error::{Error, Result};
use crate::filter::{self, Field, Filter, Order};

/// A list query: filter, order, limit and page size, sent with [`send`](ListRequest::send) or
/// by awaiting it.
///
/// ```no_run
/// # async fn demo(client: linode::Client) -> linode::Result<()> {
/// use linode::api::linode::Instance;
/// use linode::filter::Order;
/// let web = client
///     .linode()
///     .instances()
///     .filter(Instance::GROUP.eq("prod") & Instance::LABEL.contains("web"))
///     .order_by(Instance::LABEL, Order::Desc)
///     .limit(10)
///     .await?;
/// println!("{} matching", web.len());
/// # Ok(()) }
/// ```
#[must_use = "a list request does nothing until it is sent or awaited"]
pub struct ListRequest<T> {
    client: Client,
    path: Path,
    filter: Option<Filter<T>>,
    order: Option<(&'static str, Order)>,
    limit: Option<usize>,
    page_size: Option<u32>,
    concurrency: Option<usize>,
    /// Query parameters of the list itself (besides the page ones).
    extra_query: Vec<(&'static str, String)>,
    /// The API version the list is read from, when not the client's.
    version: Option<ApiVersion>,
    _model: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for ListRequest<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ListRequest")
            .field("path", &self.path)
            .field("filter", &self.filter)
            .field("order", &self.order)
            .field("limit", &self.limit)
            .field("page_size", &self.page_size)
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> ListRequest<T> {
    pub(crate) fn new(client: &Client, path: Path) -> Self {
        ListRequest {
            client: client.clone(),
            path,
            filter: None,
            order: None,
            limit: None,
            page_size: None,
            concurrency: None,
            extra_query: Vec::new(),
            version: None,
            _model: PhantomData,
        }
    }

    /// Adds a query parameter of the list itself (kept on every page's request).
    pub(crate) fn with_query(mut self, name: &'static str, value: impl std::fmt::Display) -> Self {
        self.extra_query.push((name, value.to_string()));
        self
    }

    /// Reads the list from `version` of the API whatever the client's (every page).
    pub(crate) fn api_version(mut self, version: ApiVersion) -> Self {
        self.version = Some(version);
        self
    }

    /// Keeps only the objects matching `filter` (joined with `and` to any filter set before).
    pub fn filter(mut self, filter: Filter<T>) -> Self {
        self.filter = Some(match self.filter.take() {
            Some(previous) => previous & filter,
            None => filter,
        });
        self
    }

    /// Orders the results by one filterable field.
    pub fn order_by<K>(mut self, field: Field<T, K>, order: Order) -> Self {
        self.order = Some((field.name(), order));
        self
    }

    /// Returns at most `count` objects (fetching no page beyond them).
    pub fn limit(mut self, count: usize) -> Self {
        self.limit = Some(count);
        self
    }

    /// Asks for pages of this size (25..=500) instead of the client's default.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size);
        self
    }

    /// How many pages [`PaginatedList::collect_all`] fetches at once: the client's setting
    /// by default ([`Client::page_concurrency`]), which fetches a list of at most 24 more
    /// pages all at once and a longer one 4 pages at a time.
    pub fn concurrency(mut self, pages: usize) -> Self {
        self.concurrency = Some(pages);
        self
    }

    fn effective_page_size(&self) -> u32 {
        match (self.page_size, self.limit) {
            (Some(size), _) => size,
            // A small limit is served by one page of just the right size.
            (None, Some(limit)) if limit <= 500 => (limit as u32).clamp(25, 500),
            (None, _) => self.client.page_size(),
        }
    }

    /// The request for one page, as it will be sent (no I/O).
    pub fn to_request(&self, page: u32) -> Request {
        let filter = self.filter.as_ref().map(Filter::to_json);
        let mut request = Request::get(self.path.clone());
        request.filter = filter::header_json(filter.as_ref(), self.order).map(|v| v.to_string());
        request.version = self.version;
        request.query.extend(self.extra_query.iter().cloned());
        request
            .query("page", page)
            .query("page_size", self.effective_page_size())
    }

    /// Sends the request for the first page and returns the list.
    pub async fn send(self) -> Result<PaginatedList<T>> {
        let page_size = self.effective_page_size();
        if !(25..=500).contains(&page_size) {
            return Err(Error::invalid(
                "page_size",
                format!("{page_size} is not within 25..=500"),
            ));
        }
        if self.limit == Some(0) {
            return Err(Error::invalid("limit", "must be at least 1"));
        }
        // `None`: chosen by the number of pages to fetch (see `PaginatedList::load`).
        let concurrency = self.concurrency.or(self.client.page_concurrency_set());
        if concurrency == Some(0) {
            return Err(Error::invalid("concurrency", "must be at least 1"));
        }
        let template = self.to_request(1);
        let expected = self
            .limit
            .map_or(page_size, |limit| limit.min(page_size as usize) as u32);
        let first = self
            .client
            .send_seed(template.clone(), PageSeed::<T>::new(expected as usize))
            .await?;
        // If the server chose a smaller page than asked, index by what it actually serves.
        let page_size = if first.pages > 1 && !first.data.is_empty() {
            first.data.len()
        } else {
            page_size as usize
        };
        let len = self
            .limit
            .map_or(first.results, |limit| limit.min(first.results));
        if len.div_ceil(page_size) > MAX_PAGES {
            return Err(Error::UnexpectedResponse {
                status: 200,
                method: template.method.to_string(),
                path: template.path.clone(),
                body_excerpt: String::new(),
                json_path: Some("results".to_owned()),
                reason: format!(
                    "{} results in pages of {page_size} is not believable",
                    first.results
                ),
            });
        }
        let mut pages: Vec<Option<Vec<T>>> = (0..len.div_ceil(page_size)).map(|_| None).collect();
        if let Some(slot) = pages.first_mut() {
            *slot = Some(first.data);
        }
        let fetcher = Fetcher {
            client: self.client,
            template,
            page_size,
            results: first.results,
        };
        Ok(PaginatedList {
            fetcher: Arc::new(fetcher),
            pages,
            len,
            concurrency,
        })
    }
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for ListRequest<T> {
    type Output = Result<PaginatedList<T>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// One page as the API sends it.
pub(crate) struct Page<T> {
    pub(crate) data: Vec<T>,
    pub(crate) pages: usize,
    pub(crate) results: usize,
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Page<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        PageSeed::new(0).deserialize(deserializer)
    }
}

/// Decodes a [`Page`] whose `data` is made room for at once: the number of items a page holds
/// is known before it is fetched, and growing the list item by item copied each page about
/// once more. The page's `warnings`, if any, are read in the same pass and logged as `WARN`
/// events, so that the body is not scanned for them first.
pub(crate) struct PageSeed<T> {
    capacity: usize,
    _model: PhantomData<fn() -> T>,
}

impl<T> PageSeed<T> {
    /// A seed for a page of about `capacity` items (at most the API's largest page is
    /// reserved, whatever is asked).
    pub(crate) fn new(capacity: usize) -> Self {
        PageSeed {
            capacity: capacity.min(500),
            _model: PhantomData,
        }
    }
}

impl<T> Clone for PageSeed<T> {
    fn clone(&self) -> Self {
        PageSeed::new(self.capacity)
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for PageSeed<T> {
    type Value = Page<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Page<T>, D::Error> {
        deserializer.deserialize_struct("Page", &["data", "pages", "results"], self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for PageSeed<T> {
    type Value = Page<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a page of results")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Page<T>, A::Error> {
        let (mut data, mut pages, mut results) = (None, None, None);
        let mut warnings = Vec::new();
        while let Some(key) = map.next_key::<PageKey>()? {
            match key {
                PageKey::Data if data.is_some() => return Err(A::Error::duplicate_field("data")),
                PageKey::Data => data = Some(map.next_value_seed(Items::<T>::new(self.capacity))?),
                PageKey::Pages if pages.is_some() => {
                    return Err(A::Error::duplicate_field("pages"));
                }
                PageKey::Pages => pages = Some(map.next_value::<usize>()?),
                PageKey::Results if results.is_some() => {
                    return Err(A::Error::duplicate_field("results"));
                }
                PageKey::Results => results = Some(map.next_value::<usize>()?),
                // Read here rather than by a scan of the whole body before decoding; any
                // JSON is accepted, and warnings that are not the API's shape are dropped, as
                // `body_warnings` does.
                PageKey::Warnings => {
                    let value = map.next_value::<serde_json::Value>()?;
                    warnings = serde_json::from_value::<Option<Vec<ApiWarning>>>(value)
                        .ok()
                        .flatten()
                        .unwrap_or_default();
                }
                PageKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        let page = Page {
            data: data.ok_or_else(|| A::Error::missing_field("data"))?,
            pages: pages.unwrap_or_default(),
            results: results.ok_or_else(|| A::Error::missing_field("results"))?,
        };
        log_warnings(&warnings);
        Ok(page)
    }
}

/// The keys of a page that matter; any other is skipped.
enum PageKey {
    Data,
    Pages,
    Results,
    Warnings,
    Other,
}

impl<'de> Deserialize<'de> for PageKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = PageKey;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<PageKey, E> {
                Ok(match key {
                    "data" => PageKey::Data,
                    "pages" => PageKey::Pages,
                    "results" => PageKey::Results,
                    "warnings" => PageKey::Warnings,
                    _ => PageKey::Other,
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// The `data` of a page, in a list with room for `capacity` items from the start.
struct Items<T> {
    capacity: usize,
    _model: PhantomData<fn() -> T>,
}

impl<T> Items<T> {
    fn new(capacity: usize) -> Self {
        Items {
            capacity,
            _model: PhantomData,
        }
    }
}

impl<'de, T: Deserialize<'de>> DeserializeSeed<'de> for Items<T> {
    type Value = Vec<T>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Vec<T>, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Items<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let mut items = Vec::with_capacity(self.capacity);
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(items)
    }
}

/// More pages than any real list has: a `results` implying more is refused rather than
/// believed (it would make the client allocate for them).
const MAX_PAGES: usize = 10_000_000;

/// What is needed to fetch any page of one list.
struct Fetcher {
    client: Client,
    template: Request,
    page_size: usize,
    results: usize,
}

impl Fetcher {
    /// Fetches page `index` (0-based) and checks it fits the list seen on the first page.
    async fn fetch<T: DeserializeOwned>(&self, index: usize) -> Result<Vec<T>> {
        let mut request = self.template.clone();
        for (name, value) in &mut request.query {
            if *name == "page" {
                *value = (index + 1).to_string();
            }
        }
        let expected = self
            .page_size
            .min(self.results.saturating_sub(index * self.page_size));
        let page = self
            .client
            .send_seed(request, PageSeed::<T>::new(expected))
            .await?;
        if page.results != self.results || page.data.len() != expected {
            return Err(Error::CollectionChanged {
                path: self.template.path.clone(),
                expected: self.results,
                found: page.results,
            });
        }
        Ok(page.data)
    }
}

/// A collection from the API that behaves like a list, loading pages only as needed: the first
/// page is loaded when the list is returned, `len()` costs nothing, `get(i)` and `get(-1)` load
/// only the page holding the item.
///
/// ```no_run
/// # async fn demo(client: linode::Client) -> linode::Result<()> {
/// let mut linodes = client.linode().instances().await?; // first page loaded
/// println!("{} linodes", linodes.len());                // no request
/// if let Some(last) = linodes.get(-1).await? {          // loads the last page only
///     println!("last: {}", last.label);
/// }
/// # Ok(()) }
/// ```
pub struct PaginatedList<T> {
    fetcher: Arc<Fetcher>,
    /// Pages by 0-based index; `None` until loaded.
    pages: Vec<Option<Vec<T>>>,
    len: usize,
    /// Pages fetched at once; `None`: all of them when few, else the client's default.
    concurrency: Option<usize>,
}

impl<T> std::fmt::Debug for PaginatedList<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PaginatedList")
            .field("path", &self.fetcher.template.path)
            .field("len", &self.len)
            .field("pages", &self.pages.len())
            .field("loaded", &self.pages.iter().filter(|p| p.is_some()).count())
            .finish()
    }
}

impl<T: DeserializeOwned + Send + 'static> PaginatedList<T> {
    /// How many objects the list holds (no request).
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty (no request).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// How many pages the list spans.
    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// How many pages have been loaded so far.
    pub fn loaded_pages(&self) -> usize {
        self.pages.iter().filter(|p| p.is_some()).count()
    }

    /// Resolves a possibly negative index; `None` when out of range.
    fn position(&self, index: isize) -> Option<usize> {
        let resolved = if index < 0 {
            self.len.checked_sub(index.unsigned_abs())?
        } else {
            index as usize
        };
        (resolved < self.len).then_some(resolved)
    }

    /// Loads the given pages that are not loaded yet, at most `concurrency` at a time.
    ///
    /// Each page is fetched and decoded in a task of its own, so on a multi-threaded runtime
    /// pages decode in parallel while others are still in flight. The tasks are aborted if
    /// this future is dropped.
    async fn load(&mut self, wanted: impl Iterator<Item = usize>) -> Result<()> {
        let mut missing = wanted
            .filter(|&i| self.pages[i].is_none())
            .collect::<Vec<_>>();
        if let [only] = missing[..] {
            // One page: no task needed.
            self.pages[only] = Some(self.fetcher.fetch::<T>(only).await?);
            return Ok(());
        }
        missing.reverse();
        let concurrency = match self.concurrency {
            Some(pages) => pages,
            None if missing.len() <= BURST_PAGES => missing.len(),
            None => self.fetcher.client.page_concurrency(),
        };
        let mut tasks = JoinSet::new();
        let spawn = |tasks: &mut JoinSet<_>, i: usize| {
            let fetcher = Arc::clone(&self.fetcher);
            tasks.spawn(async move { fetcher.fetch::<T>(i).await.map(|page| (i, page)) });
        };
        while tasks.len() < concurrency {
            let Some(i) = missing.pop() else { break };
            spawn(&mut tasks, i);
        }
        while let Some(joined) = tasks.join_next().await {
            let (i, page) = match joined {
                Ok(result) => result?,
                Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
                Err(_) => unreachable!("page tasks are only cancelled when this future is dropped"),
            };
            self.pages[i] = Some(page);
            if let Some(next) = missing.pop() {
                spawn(&mut tasks, next);
            }
        }
        Ok(())
    }

    fn item(&self, position: usize) -> Option<&T> {
        let size = self.fetcher.page_size;
        self.pages[position / size].as_ref()?.get(position % size)
    }

    /// The item at `index`; a negative index counts from the end (`-1` is the last). Loads the
    /// page holding it if needed; `None` when out of range.
    pub async fn get(&mut self, index: isize) -> Result<Option<&T>> {
        let Some(position) = self.position(index) else {
            return Ok(None);
        };
        self.load(std::iter::once(position / self.fetcher.page_size))
            .await?;
        Ok(self.item(position))
    }

    /// The first item (never a request: the first page is always loaded).
    pub async fn first(&mut self) -> Result<Option<&T>> {
        self.get(0).await
    }

    /// The last item, loading the last page if needed.
    pub async fn last(&mut self) -> Result<Option<&T>> {
        self.get(-1).await
    }

    /// The only item: an [`Error::NotExactlyOne`] unless the list holds exactly one.
    pub async fn only(&mut self) -> Result<&T> {
        if self.len != 1 {
            return Err(Error::NotExactlyOne { found: self.len });
        }
        self.get(0).await?.ok_or(Error::NotExactlyOne { found: 0 })
    }

    /// The items in `range` (clamped to the list), loading only the pages it covers.
    pub async fn slice(&mut self, range: impl RangeBounds<usize>) -> Result<Vec<&T>> {
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s.saturating_add(1),
            Bound::Unbounded => 0,
        }
        .min(self.len);
        let end = match range.end_bound() {
            Bound::Included(&e) => e.saturating_add(1),
            Bound::Excluded(&e) => e,
            Bound::Unbounded => self.len,
        }
        .min(self.len);
        if start >= end {
            return Ok(Vec::new());
        }
        let size = self.fetcher.page_size;
        self.load(start / size..=(end - 1) / size).await?;
        Ok((start..end).filter_map(|p| self.item(p)).collect())
    }

    /// Every item in order, fetching the pages not yet loaded concurrently (as many at once as
    /// the client's or the request's `concurrency`).
    pub async fn collect_all(mut self) -> Result<Vec<T>> {
        self.load(0..self.pages.len()).await?;
        let mut items = Vec::with_capacity(self.len);
        for page in self.pages.into_iter().flatten() {
            items.extend(page);
        }
        items.truncate(self.len);
        Ok(items)
    }

    /// The items as a stream that loads pages as it is consumed (one page ahead), so memory
    /// stays bounded whatever the size of the collection.
    pub fn into_stream(self) -> impl Stream<Item = Result<T>> + Send + 'static {
        let PaginatedList {
            fetcher,
            pages,
            len,
            ..
        } = self;
        stream::iter(pages.into_iter().enumerate())
            .map(move |(i, cached)| match cached {
                Some(page) => Either::Left(future::ready(Ok(page))),
                None => {
                    // A task of its own: the next page downloads and decodes while the caller
                    // is still busy with the items of this one.
                    let fetcher = Arc::clone(&fetcher);
                    Either::Right(PageTask(tokio::spawn(async move {
                        fetcher.fetch::<T>(i).await
                    })))
                }
            })
            .buffered(2)
            .map_ok(|page| stream::iter(page.into_iter().map(Ok)))
            .try_flatten()
            .take(len)
    }
}

/// A page being fetched in a task of its own, aborted if the stream is dropped before it.
struct PageTask<T>(tokio::task::JoinHandle<Result<Vec<T>>>);

impl<T> Future for PageTask<T> {
    type Output = Result<Vec<T>>;

    fn poll(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Self::Output> {
        Pin::new(&mut self.0).poll(cx).map(|joined| match joined {
            Ok(result) => result,
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => unreachable!("a page task is only cancelled when its stream is dropped"),
        })
    }
}

impl<T> Drop for PageTask<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::decode_seed;

    fn request() -> Request {
        Request::get(Path::new("/linode/instances"))
    }

    #[test]
    fn a_page_is_decoded_with_its_room_reserved_and_unknown_keys_skipped() {
        let body = br#"{"page": 1, "x_future": {"a": [1, null]}, "data": [1, 2, 3], "pages": 4, "results": 10}"#;
        let page = decode_seed(&request(), 200, body, PageSeed::<u64>::new(3)).unwrap();
        assert_eq!(page.data, vec![1, 2, 3]);
        assert_eq!(page.data.capacity(), 3);
        assert_eq!((page.pages, page.results), (4, 10));
        // No `pages`: one page; at most the API's largest page is reserved.
        let body = br#"{"data": [], "results": 0}"#;
        let page = decode_seed(&request(), 200, body, PageSeed::<u64>::new(10_000)).unwrap();
        assert_eq!(
            (page.pages, page.results, page.data.capacity()),
            (0, 0, 500)
        );
    }

    #[test]
    fn a_page_reads_its_warnings_in_the_same_pass() {
        use std::sync::{Arc, Mutex};
        #[derive(Clone, Default)]
        struct Buf(Arc<Mutex<Vec<u8>>>);
        impl std::io::Write for Buf {
            fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(bytes);
                Ok(bytes.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let buf = Buf::default();
        let writer = buf.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            let body = br#"{"data": [1], "warnings": [{"title": "Deprecated", "details": "Use v4beta"}], "results": 1}"#;
            let page = decode_seed(&request(), 200, body, PageSeed::<u64>::new(1)).unwrap();
            assert_eq!((page.data, page.results), (vec![1], 1));
            // Warnings that are not the API's shape, or `null`, do not fail the page.
            for body in [
                &br#"{"data": [2], "warnings": {"odd": true}, "results": 1}"#[..],
                br#"{"data": [3], "warnings": null, "results": 1}"#,
            ] {
                let page = decode_seed(&request(), 200, body, PageSeed::<u64>::new(1)).unwrap();
                assert_eq!(page.data.len(), 1);
            }
        });
        let logged = String::from_utf8(buf.0.lock().unwrap().clone()).unwrap();
        assert_eq!(logged.matches("API warning").count(), 1, "{logged}");
        assert!(
            logged.contains("WARN") && logged.contains("title=Deprecated"),
            "{logged}"
        );
        assert!(logged.contains("details=Use v4beta"), "{logged}");
    }

    #[test]
    fn a_bad_page_names_the_json_path_that_failed() {
        let failure =
            |body: &[u8]| match decode_seed(&request(), 200, body, PageSeed::<u64>::new(2)) {
                Err(Error::UnexpectedResponse {
                    json_path, reason, ..
                }) => (json_path, reason),
                other => panic!("{:?}", other.map(|p| p.data)),
            };
        let (path, _) = failure(br#"{"data": [1, "two"], "results": 2}"#);
        assert_eq!(path.as_deref(), Some("data[1]"));
        let (path, reason) = failure(br#"{"data": [1]}"#);
        assert_eq!(path.as_deref(), Some("."));
        assert!(reason.contains("missing field `results`"), "{reason}");
        let (_, reason) = failure(br#"{"data": [1], "data": [2], "results": 1}"#);
        assert!(reason.contains("duplicate field `data`"), "{reason}");
        // Not UTF-8: decoded from the bytes, with the parser's own error.
        let (_, reason) = failure(b"{\"data\": [\"\xff\"], \"results\": 1}");
        assert!(!reason.is_empty());
    }
}

//! PaginatedList against the sandbox: which pages are fetched, and when.

use crate::common;

use futures::TryStreamExt;
use linode::Error;

#[tokio::test]
async fn len_first_and_negative_indexes_load_only_what_they_need() {
    let (sandbox, client) = common::setup().await;
    let ids = sandbox.seed_instances(250);
    sandbox.clear_requests();

    let mut list = client.linode().instances().page_size(100).await.unwrap();
    assert_eq!(
        common::lines(&sandbox),
        ["GET /v4/linode/instances?page=1&page_size=100"]
    );
    assert_eq!(
        (list.len(), list.page_count(), list.loaded_pages()),
        (250, 3, 1)
    );

    assert_eq!(list.first().await.unwrap().unwrap().id, ids[0]);
    assert_eq!(list.get(99).await.unwrap().unwrap().id, ids[99]);
    assert_eq!(
        sandbox.requests().len(),
        1,
        "the first page is already loaded"
    );

    assert_eq!(list.get(-1).await.unwrap().unwrap().id, ids[249]);
    assert_eq!(list.last().await.unwrap().unwrap().id, ids[249]);
    assert_eq!(list.get(-250).await.unwrap().unwrap().id, ids[0]);
    assert!(list.get(-251).await.unwrap().is_none());
    assert!(list.get(250).await.unwrap().is_none());
    assert_eq!(
        common::lines(&sandbox)[1..],
        ["GET /v4/linode/instances?page=3&page_size=100"],
        "only the last page was fetched, once"
    );

    let slice = list.slice(95..105).await.unwrap();
    let got: Vec<u64> = slice.iter().map(|i| i.id).collect();
    assert_eq!(got, ids[95..105]);
    assert_eq!(
        common::lines(&sandbox)[2..],
        ["GET /v4/linode/instances?page=2&page_size=100"]
    );
    assert_eq!(list.loaded_pages(), 3);
    assert!(list.slice(300..).await.unwrap().is_empty());
}

#[tokio::test]
async fn only_demands_exactly_one() {
    let (sandbox, client) = common::setup().await;
    let mut none = client.linode().instances().await.unwrap();
    assert!(matches!(
        none.only().await.unwrap_err(),
        Error::NotExactlyOne { found: 0 }
    ));
    assert!(none.first().await.unwrap().is_none());
    let ids = sandbox.seed_instances(2);
    let mut two = client.linode().instances().await.unwrap();
    assert!(matches!(
        two.only().await.unwrap_err(),
        Error::NotExactlyOne { found: 2 }
    ));
    let mut one = client.linode().instances().limit(1).await.unwrap();
    assert_eq!(one.only().await.unwrap().id, ids[0]);
}

#[tokio::test]
async fn the_stream_loads_pages_as_it_is_consumed() {
    let (sandbox, client) = common::setup().await;
    let ids = sandbox.seed_instances(130);
    sandbox.clear_requests();
    let list = client.linode().instances().page_size(25).await.unwrap();
    let mut stream = Box::pin(list.into_stream());
    let first = stream.try_next().await.unwrap().unwrap();
    assert_eq!(first.id, ids[0]);
    assert!(
        sandbox.requests().len() <= 3,
        "at most one page ahead: {:?}",
        common::lines(&sandbox)
    );
    let mut rest: Vec<u64> = stream.map_ok(|i| i.id).try_collect().await.unwrap();
    rest.insert(0, first.id);
    assert_eq!(rest, ids);
    assert_eq!(sandbox.requests().len(), 6);
}

#[tokio::test]
async fn collect_all_fetches_every_page_once_and_keeps_order() {
    let (sandbox, client) = common::setup().await;
    let ids = sandbox.seed_instances(520);
    sandbox.clear_requests();
    let list = client
        .linode()
        .instances()
        .page_size(50)
        .concurrency(3)
        .await
        .unwrap();
    let all: Vec<u64> = list
        .collect_all()
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(all, ids);
    let mut pages: Vec<String> = common::lines(&sandbox);
    pages.sort();
    let mut expected: Vec<String> = (1..=11)
        .map(|p| format!("GET /v4/linode/instances?page={p}&page_size=50"))
        .collect();
    expected.sort();
    assert_eq!(pages, expected);
}

#[tokio::test]
async fn limit_caps_the_list_and_the_pages_fetched() {
    let (sandbox, client) = common::setup().await;
    let ids = sandbox.seed_instances(300);
    sandbox.clear_requests();
    let list = client.linode().instances().limit(5).await.unwrap();
    assert_eq!(list.len(), 5);
    let got: Vec<u64> = list
        .collect_all()
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(got, ids[..5]);
    assert_eq!(
        common::lines(&sandbox),
        ["GET /v4/linode/instances?page=1&page_size=25"]
    );

    let list = client
        .linode()
        .instances()
        .limit(260)
        .page_size(100)
        .await
        .unwrap();
    assert_eq!((list.len(), list.page_count()), (260, 3));
    assert_eq!(list.collect_all().await.unwrap().len(), 260);
}

#[tokio::test]
async fn a_collection_that_changes_between_pages_is_an_error() {
    let (sandbox, client) = common::setup().await;
    sandbox.seed_instances(60);
    let mut list = client.linode().instances().page_size(25).await.unwrap();
    sandbox.seed_instances(1);
    let err = list.get(-1).await.unwrap_err();
    match err {
        Error::CollectionChanged {
            expected,
            found,
            ref path,
        } => {
            assert_eq!(
                (expected, found, path.as_str()),
                (60, 61, "/linode/instances")
            );
        }
        other => panic!("expected CollectionChanged, got {other:?}"),
    }
}

#[tokio::test]
async fn page_size_outside_the_api_range_is_refused_before_sending() {
    let (sandbox, client) = common::setup().await;
    for size in [0, 24, 501] {
        let err = client
            .linode()
            .instances()
            .page_size(size)
            .send()
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidArgument { field, .. } if field == "page_size"),
            "{err}"
        );
    }
    let err = client
        .linode()
        .instances()
        .limit(0)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::InvalidArgument { field, .. } if field == "limit"),
        "{err}"
    );
    assert!(sandbox.requests().is_empty());
}

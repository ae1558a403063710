//! Filters sent in X-Filter, and the sandbox's answers to them.

use crate::common;

use linode::api::images::Image;
use linode::api::linode::{CreateInstance, Instance, LinodeType};
use linode::api::regions::Region;
use linode::filter::{Order, and, or};
use serde_json::{Value, json};

async fn create(
    client: &linode::Client,
    label: &str,
    group: &str,
    region: &str,
    tags: &[&str],
) -> u64 {
    let request = CreateInstance::empty(region, "g6-nanode-1")
        .label(label)
        .group(group)
        .tags(tags.iter().copied());
    common::create_linode(client, request).await.id
}

fn sent_filter(sandbox: &linode_sandbox::Sandbox) -> Value {
    serde_json::from_str(&common::last_filter(sandbox).expect("an X-Filter header")).unwrap()
}

#[tokio::test]
async fn expressions_become_the_api_grammar_and_select_the_right_objects() {
    let (sandbox, client) = common::setup().await;
    let web1 = create(&client, "web-1", "prod", "us-east", &["frontend"]).await;
    let web2 = create(&client, "web-2", "staging", "eu-west", &["frontend"]).await;
    let db1 = create(&client, "db-1", "prod", "eu-west", &["backend"]).await;
    let lb = create(&client, "lb-1", "dev", "us-east", &[]).await;

    let labels = |list: Vec<Instance>| list.into_iter().map(|i| i.id).collect::<Vec<_>>();

    let prod = client
        .linode()
        .instances()
        .filter(Instance::GROUP.eq("prod"))
        .await
        .unwrap();
    assert_eq!(sent_filter(&sandbox), json!({"group": "prod"}));
    assert_eq!(labels(prod.collect_all().await.unwrap()), [web1, db1]);

    let list = client
        .linode()
        .instances()
        .filter(Instance::GROUP.eq("prod") & Instance::LABEL.contains("WEB"))
        .await
        .unwrap();
    assert_eq!(
        sent_filter(&sandbox),
        json!({"+and": [{"group": "prod"}, {"label": {"+contains": "WEB"}}]})
    );
    assert_eq!(labels(list.collect_all().await.unwrap()), [web1]);

    let list = client
        .linode()
        .instances()
        .filter(or([
            Instance::GROUP.eq("staging"),
            and([Instance::GROUP.eq("prod"), Instance::REGION.eq("eu-west")]),
        ]))
        .await
        .unwrap();
    assert_eq!(
        sent_filter(&sandbox),
        json!({"+or": [{"group": "staging"}, {"+and": [{"group": "prod"}, {"region": "eu-west"}]}]})
    );
    assert_eq!(labels(list.collect_all().await.unwrap()), [web2, db1]);

    let list = client
        .linode()
        .instances()
        .filter(Instance::REGION.ne("us-east"))
        .await
        .unwrap();
    assert_eq!(
        sent_filter(&sandbox),
        json!({"region": {"+neq": "us-east"}})
    );
    assert_eq!(labels(list.collect_all().await.unwrap()), [web2, db1]);

    let list = client
        .linode()
        .instances()
        .filter(Instance::TAGS.eq("frontend"))
        .await
        .unwrap();
    assert_eq!(labels(list.collect_all().await.unwrap()), [web1, web2]);

    let list = client
        .linode()
        .instances()
        .filter(Instance::ID.gt(web2) & Instance::ID.le(lb))
        .await
        .unwrap();
    assert_eq!(
        sent_filter(&sandbox),
        json!({"+and": [{"id": {"+gt": web2}}, {"id": {"+lte": lb}}]})
    );
    assert_eq!(labels(list.collect_all().await.unwrap()), [db1, lb]);

    let list = client
        .linode()
        .instances()
        .filter(Instance::REGION.eq("us-east") | Instance::REGION.eq("eu-west"))
        .order_by(Instance::LABEL, Order::Desc)
        .await
        .unwrap();
    assert_eq!(
        sent_filter(&sandbox),
        json!({"+or": [{"region": "us-east"}, {"region": "eu-west"}], "+order_by": "label", "+order": "desc"})
    );
    assert_eq!(
        labels(list.collect_all().await.unwrap()),
        [web2, web1, lb, db1]
    );

    // Several filters on one request are joined with and, as in the seed.
    let list = client
        .linode()
        .instances()
        .filter(Instance::GROUP.eq("prod"))
        .filter(Instance::REGION.eq("us-east"))
        .order_by(Instance::ID, Order::Asc)
        .await
        .unwrap();
    assert_eq!(
        sent_filter(&sandbox),
        json!({"+and": [{"group": "prod"}, {"region": "us-east"}], "+order_by": "id", "+order": "asc"})
    );
    assert_eq!(labels(list.collect_all().await.unwrap()), [web1]);
}

#[tokio::test]
async fn catalog_filters_reach_the_sandbox() {
    let (_sandbox, client) = common::setup().await;
    let dedicated = client
        .linode()
        .types()
        .filter(LinodeType::CLASS.eq("dedicated") & LinodeType::VCPUS.ge(8))
        .order_by(LinodeType::MEMORY, Order::Asc)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(!dedicated.is_empty());
    assert!(
        dedicated
            .iter()
            .all(|t| t.class.as_str() == "dedicated" && t.vcpus >= 8)
    );
    assert!(dedicated.windows(2).all(|w| w[0].memory <= w[1].memory));

    let debian = client
        .images()
        .list()
        .filter(Image::LABEL.contains("debian"))
        .await
        .unwrap();
    assert!(debian.len() >= 2);
    let us = client
        .regions()
        .list()
        .filter(Region::COUNTRY.eq("us"))
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert!(us.iter().all(|r| r.country == "us") && us.iter().any(|r| r.id == "us-east"));
}

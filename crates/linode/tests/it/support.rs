//! The support group against the sandbox.

use crate::common;

use linode::Error;
use linode::api::support::{OpenTicket, Regarding, SupportTicket, TicketStatus};
use serde_json::json;

#[tokio::test]
async fn a_ticket_about_a_linode_is_opened_answered_and_closed() {
    let (sandbox, client) = common::setup().await;
    let linode = sandbox.seed_instances(1)[0];
    let ticket = client
        .support()
        .open_ticket(
            OpenTicket::new("Cannot boot", "It will not boot since this morning.")
                .regarding(Regarding::Linode(linode)),
        )
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "POST".into(),
            "/v4/support/tickets".into(),
            Some(json!({
                "summary": "Cannot boot",
                "description": "It will not boot since this morning.",
                "linode_id": linode
            }))
        )
    );
    assert_eq!(ticket.status, TicketStatus::New);
    let entity = ticket.entity.as_ref().unwrap();
    assert_eq!((entity.id, entity.kind.as_str()), (linode, "linode"));
    assert_eq!(entity.label, "seed-00001");
    assert_eq!(entity.url, format!("/v4/linode/instances/{linode}"));
    assert_eq!(ticket.opened_by, "sandbox-user");
    let kept = sandbox.with_account(|a| a.tickets.get(ticket.id).cloned().unwrap());
    assert_eq!(kept["entity"]["id"], linode);

    let reply = client
        .support()
        .reply(ticket.id, "It still does not boot.")
        .await
        .unwrap();
    assert_eq!(
        common::last_request(&sandbox),
        (
            "POST".into(),
            format!("/v4/support/tickets/{}/replies", ticket.id),
            Some(json!({"description": "It still does not boot."}))
        )
    );
    assert!(!reply.from_linode);
    let replies = client
        .support()
        .replies(ticket.id)
        .await
        .unwrap()
        .collect_all()
        .await
        .unwrap();
    assert_eq!(replies, [reply]);
    assert_eq!(
        client.support().ticket(ticket.id).await.unwrap().status,
        TicketStatus::Open
    );

    let open = client
        .support()
        .tickets()
        .filter(SupportTicket::STATUS.eq("open"))
        .await
        .unwrap();
    assert_eq!(open.len(), 1);

    client.support().close_ticket(ticket.id).await.unwrap();
    assert_eq!(
        common::last_line(&sandbox),
        format!("POST /v4/support/tickets/{}/close", ticket.id)
    );
    let closed = client.support().ticket(ticket.id).await.unwrap();
    assert_eq!(closed.status, TicketStatus::Closed);
    assert!(closed.closed.is_some());
    assert!(!closed.closable);
    let err = client
        .support()
        .reply(ticket.id, "hello?")
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(400));
    let err = client.support().close_ticket(ticket.id).await.unwrap_err();
    assert_eq!(err.status(), Some(400));
    assert_eq!(
        common::event_actions(&sandbox, ""),
        ["ticket_create", "ticket_update", "ticket_update"]
    );
}

#[tokio::test]
async fn tickets_need_a_summary_and_an_existing_subject() {
    let (sandbox, client) = common::setup().await;
    let general = client
        .support()
        .open_ticket(OpenTicket::new(
            "Billing question",
            "Why was I charged twice?",
        ))
        .await
        .unwrap();
    assert!(general.entity.is_none());

    for (regarding, field, reason) in [
        (Regarding::Linode(12345), "linode_id", "Linode not found"),
        (Regarding::Volume(9), "volume_id", "Volume not found"),
        (Regarding::Domain(9), "domain_id", "Domain not found"),
        (
            Regarding::NodeBalancer(9),
            "nodebalancer_id",
            "NodeBalancer not found",
        ),
    ] {
        let err = client
            .support()
            .open_ticket(OpenTicket::new("Help", "Please help.").regarding(regarding))
            .await
            .unwrap_err();
        assert_eq!(err.status(), Some(400));
        assert_eq!(err.field_errors()[0].field.as_deref(), Some(field));
        assert_eq!(err.field_errors()[0].reason, reason);
    }

    let before = sandbox.requests().len();
    let err = client
        .support()
        .open_ticket(OpenTicket::new("x".repeat(65), "Too long a summary."))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidArgument { ref field, .. } if field == "summary"));
    assert_eq!(sandbox.requests().len(), before);
    assert_eq!(client.support().tickets().await.unwrap().len(), 1);
}

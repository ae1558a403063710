//! What the benchmarks share: the bytes the sandbox serves, and a canned HTTP server that
//! answers with them at almost no cost, so that a client-side measurement is not the server's.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;

use linode_sandbox::pagination::PageParams;
use linode_sandbox::store::Store;

/// Instances in the list the canned server pretends to hold (20 pages of 500).
pub const LIST_RESULTS: usize = 10_000;
/// The page size of the list benchmarks.
pub const PAGE_SIZE: usize = 500;

/// What the sandbox serves: one instance, and a page of 500 of them (of a list of
/// [`LIST_RESULTS`]), byte for byte.
pub struct Bodies {
    /// `GET /linode/instances/{id}`.
    pub instance: Vec<u8>,
    /// `GET /linode/instances?page=N&page_size=500`.
    pub page: Vec<u8>,
}

impl Bodies {
    /// Seeds a sandbox store and takes its serialised instances.
    pub fn from_sandbox() -> Bodies {
        let mut store = Store::default();
        let ids = store.seed_instances(PAGE_SIZE);
        let items: Vec<&[u8]> = ids
            .iter()
            .filter_map(|&id| store.instances().get_json(id))
            .collect();
        let instance = items[0].to_vec();
        let params = PageParams {
            page: 1,
            page_size: PAGE_SIZE as u64,
        };
        let page = params.envelope_json(items, LIST_RESULTS);
        Bodies { instance, page }
    }
}

/// An HTTP/1.1 server on loopback, one thread per connection, that answers any request whose
/// target has a query with [`Bodies::page`] and any other with [`Bodies::instance`].
pub struct CannedServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
}

impl CannedServer {
    /// Starts serving in background threads (they live as long as the process).
    pub fn start(bodies: Bodies) -> CannedServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let url = format!("http://{}", listener.local_addr().unwrap());
        let bodies = Arc::new([answer(&bodies.instance), answer(&bodies.page)]);
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let bodies = Arc::clone(&bodies);
                std::thread::spawn(move || serve(stream, &bodies));
            }
        });
        CannedServer { url }
    }
}

fn answer(body: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

fn serve(stream: TcpStream, bodies: &[Vec<u8>; 2]) {
    let _ = stream.set_nodelay(true);
    let mut writer = stream.try_clone().expect("clone stream");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let listing = line.split(' ').nth(1).is_some_and(|t| t.contains('?'));
        // Skip the headers (GET requests carry no body).
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            if line == "\r\n" {
                break;
            }
        }
        if writer.write_all(&bodies[usize::from(listing)]).is_err() {
            return;
        }
    }
}

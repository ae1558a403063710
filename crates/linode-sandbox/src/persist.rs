//! `--data PATH`: the sandbox's state in an embedded database ([`redb`]), so that it survives a
//! restart and a `kill -9` loses no acknowledged change.
//!
//! The database holds one table per collection (`c/<name>`: object id to the object's JSON,
//! the bytes the API serves) and a `meta` table with the rest of the state ([`Store::meta`]:
//! the id counters, the account's typed state, the actions in progress as data). After every
//! request, before its answer leaves, what the request changed ([`Store::take_changes`]) is
//! written in one transaction, committed durably (redb's default: fsync). redb's commits are
//! atomic, so a kill at any moment leaves either the state before a request or after it, never
//! an unreadable file. A restart on the same path serves the same objects with the ids
//! continuing, and the actions in progress finish when they were due (at once when that time
//! passed while the sandbox was down).
//!
//! Everything is written generically, per collection: a new family persists without code here.

use std::collections::BTreeMap;
use std::path::Path;

use redb::{Database, ReadableTable, TableDefinition, TableHandle};

use crate::lifecycle::Clock;
use crate::store::{Store, Table};

/// The table of the state that is not in collections.
const META: TableDefinition<&str, &[u8]> = TableDefinition::new("meta");
/// The key of [`Store::meta`] in [`META`].
const META_KEY: &str = "state";
/// The prefix of a collection's table name.
const COLLECTION: &str = "c/";

/// An open state database.
pub struct Persist {
    db: Database,
    /// The [`Store::meta`] last written, to skip writing it again unchanged.
    meta: Vec<u8>,
}

impl std::fmt::Debug for Persist {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Persist").finish_non_exhaustive()
    }
}

/// Why the database could not be opened, read or written.
fn io_error(context: &str, err: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::other(format!("{context}: {err}"))
}

fn collection(name: &str) -> String {
    format!("{COLLECTION}{name}")
}

impl Persist {
    /// Opens the database at `path`, creating it when absent. Fails when the file is not
    /// such a database, or another sandbox has it open.
    pub fn open(path: &Path) -> std::io::Result<Persist> {
        let db = Database::create(path)
            .map_err(|e| io_error(&format!("--data {}", path.display()), e))?;
        Ok(Persist {
            db,
            meta: Vec::new(),
        })
    }

    /// The state stored, on `clock`; `None` for a new, empty database.
    pub fn load(&mut self, clock: Clock) -> std::io::Result<Option<Store>> {
        let read = self.db.begin_read().map_err(|e| io_error("read", e))?;
        let meta = match read.open_table(META) {
            Ok(table) => match table.get(META_KEY).map_err(|e| io_error("read", e))? {
                Some(bytes) => bytes.value().to_vec(),
                None => return Ok(None),
            },
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
            Err(e) => return Err(io_error("read", e)),
        };
        let mut tables = BTreeMap::new();
        for handle in read.list_tables().map_err(|e| io_error("read", e))? {
            let Some(name) = handle.name().strip_prefix(COLLECTION) else {
                continue;
            };
            let definition = TableDefinition::<u64, &[u8]>::new(handle.name());
            let stored = read
                .open_table(definition)
                .map_err(|e| io_error("read", e))?;
            let mut table = Table::default();
            for row in stored.iter().map_err(|e| io_error("read", e))? {
                let (id, json) = row.map_err(|e| io_error("read", e))?;
                table
                    .insert_json(id.value(), json.value())
                    .map_err(|e| io_error(&format!("{name}/{}", id.value()), e))?;
            }
            tables.insert(name.to_owned(), table);
        }
        let meta_value: serde_json::Value =
            serde_json::from_slice(&meta).map_err(|e| io_error("meta", e))?;
        let mut store =
            Store::restore(clock, &meta_value, tables).map_err(|e| io_error("meta", e))?;
        // What was read is what is stored: nothing to write back.
        store.take_changes();
        self.meta = meta;
        Ok(Some(store))
    }

    /// Writes what changed in `store` since the last save, in one durable transaction. On
    /// failure the next save writes the whole state again, so nothing is skipped.
    pub fn save(&mut self, store: &mut Store) -> std::io::Result<()> {
        let changes = store.take_changes();
        let meta = serde_json::to_vec(&store.meta()).map_err(|e| io_error("meta", e))?;
        if !changes.replaced && changes.tables.is_empty() && meta == self.meta {
            return Ok(());
        }
        let written = self.write(store, &changes, &meta);
        match written {
            Ok(()) => {
                self.meta = meta;
                Ok(())
            }
            Err(e) => {
                store.mark_replaced();
                self.meta.clear();
                Err(e)
            }
        }
    }

    fn write(
        &self,
        store: &Store,
        changes: &crate::store::Changes,
        meta: &[u8],
    ) -> std::io::Result<()> {
        let err = |e: &dyn std::fmt::Display| io_error("write", e);
        let txn = self.db.begin_write().map_err(|e| err(&e))?;
        if changes.replaced {
            let names: Vec<String> = txn
                .list_tables()
                .map_err(|e| err(&e))?
                .map(|h| h.name().to_owned())
                .filter(|n| n.starts_with(COLLECTION))
                .collect();
            for name in names {
                txn.delete_table(TableDefinition::<u64, &[u8]>::new(&name))
                    .map_err(|e| err(&e))?;
            }
        }
        for (name, ids) in &changes.tables {
            let table_name = collection(name);
            let definition = TableDefinition::<u64, &[u8]>::new(&table_name);
            let source = store.table(name);
            if ids.is_none() && !changes.replaced {
                txn.delete_table(definition).map_err(|e| err(&e))?;
            }
            let mut stored = txn.open_table(definition).map_err(|e| err(&e))?;
            match ids {
                None => {
                    for (id, json) in source.json_entries() {
                        stored.insert(id, json).map_err(|e| err(&e))?;
                    }
                }
                Some(ids) => {
                    for &id in ids {
                        match source.get_json(id) {
                            Some(json) => stored.insert(id, json).map(drop),
                            None => stored.remove(id).map(drop),
                        }
                        .map_err(|e| err(&e))?;
                    }
                }
            }
        }
        if meta != self.meta.as_slice() {
            let mut table = txn.open_table(META).map_err(|e| err(&e))?;
            table.insert(META_KEY, meta).map_err(|e| err(&e))?;
        }
        txn.commit().map_err(|e| err(&e))
    }
}

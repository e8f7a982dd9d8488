//! Inputs opened and read ahead of their turn. Each input is opened, its schema read (and,
//! with the mapping's `[latest]`, its first pass made) and its rows read on a thread of its
//! own, its SHA-256 on another; the audit takes the inputs in command-line order and merges
//! each in turn, so the outputs do not depend on which input was read first. While one input
//! is evaluated and merged, the next ones (as many as the cores allow beyond the audit's own
//! work, see [`read_ahead`]) are already being read, each through a bounded channel.

use std::collections::VecDeque;
use std::path::Path;
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread::{Scope, ScopedJoinHandle};

use super::pipeline::{latest_rows, read_chunks, Resolver, Spares, Winners};
use super::{sha256_file, AuditConfig, AuditError, InputSummary, RowOrigin};
use crate::ingest::{self, RawRow, Schema};

/// Pieces of rows an input read ahead of its turn may hold in its channel (each a quarter of
/// [`CHUNK_ROWS`](super::CHUNK_ROWS) rows at most); the input audited alone keeps one.
const AHEAD_CHUNKS: usize = 2;

/// How many inputs after the one being audited are read at the same time: one per thread of
/// the rayon pool beyond the first (the reading threads mostly wait on the disk or inflate
/// while the pool evaluates), and none when the pool has one thread: then each input is
/// opened only after the one before it is merged, as one thread reads them.
pub(super) fn read_ahead(inputs: usize) -> usize {
    let spare = rayon::current_num_threads().saturating_sub(1);
    spare.min(inputs.saturating_sub(1))
}

/// An input as its reading thread opened it: what the merge needs besides the rows.
pub(super) struct Opened {
    pub schema: Schema,
    pub summary: InputSummary,
    pub origin: RowOrigin,
    pub winners: Option<Winners>,
}

/// What an input's reading thread sends: the input opened, then its rows in chunks.
pub(super) enum Piece {
    Opened(Box<Opened>),
    Rows(Vec<RawRow>),
}

/// An input whose reading has started.
pub(super) struct Started<'scope> {
    pub pieces: Receiver<Result<Piece, AuditError>>,
    pub hashing: ScopedJoinHandle<'scope, std::io::Result<String>>,
    /// Where the audit hands evaluated pieces back to the reading thread.
    pub spares: Spares,
}

/// The inputs of a run, started in command-line order, each as far ahead of its turn as
/// [`read_ahead`] allows.
pub(super) struct Queue<'scope, 'env> {
    scope: &'scope Scope<'scope, 'env>,
    config: &'env AuditConfig,
    resolver: &'env Resolver<'env>,
    ahead: usize,
    /// Inputs started and not yet taken, the next one to take first.
    started: VecDeque<Result<Started<'scope>, AuditError>>,
    next: usize,
}

impl<'scope, 'env> Queue<'scope, 'env> {
    pub(super) fn new(
        scope: &'scope Scope<'scope, 'env>,
        config: &'env AuditConfig,
        resolver: &'env Resolver<'env>,
    ) -> Queue<'scope, 'env> {
        Queue {
            scope,
            config,
            resolver,
            ahead: read_ahead(config.inputs.len()),
            started: VecDeque::new(),
            next: 0,
        }
    }

    /// Input `index` (taken in order), once opened, with the inputs after it started as far
    /// as they may be; an input that failed to open or start fails here, in its turn.
    pub(super) fn take(&mut self, index: usize) -> Result<(Started<'scope>, Opened), AuditError> {
        let inputs = &self.config.inputs;
        while self.next < inputs.len() && self.next <= index + self.ahead {
            let path = &inputs[self.next];
            let ahead = self.ahead > 0;
            let started = start(
                self.scope,
                self.next,
                path,
                self.config,
                self.resolver,
                ahead,
            );
            self.started.push_back(started);
            self.next += 1;
        }
        let input = self
            .started
            .pop_front()
            .ok_or_else(|| stopped(&inputs[index]))??;
        match input.pieces.recv() {
            Ok(Ok(Piece::Opened(opened))) => Ok((input, *opened)),
            Ok(Err(err)) => Err(err),
            Ok(Ok(Piece::Rows(_))) | Err(_) => Err(stopped(&inputs[index])),
        }
    }
}

fn stopped(path: &Path) -> AuditError {
    AuditError::Io {
        path: path.display().to_string(),
        source: std::io::Error::other("the input's reading stopped"),
    }
}

/// Starts reading input `index` at `path` on threads of `scope`: opening, schema and
/// `[latest]` pass, then the rows; and its SHA-256. `ahead`: it is read ahead of its turn.
fn start<'scope, 'env>(
    scope: &'scope Scope<'scope, 'env>,
    index: usize,
    path: &'env Path,
    config: &'env AuditConfig,
    resolver: &'env Resolver<'env>,
    ahead: bool,
) -> Result<Started<'scope>, AuditError> {
    let hashing = scope.spawn(move || sha256_file(path));
    let (sender, pieces) = sync_channel(if ahead { AHEAD_CHUNKS } else { 1 });
    let spares = Spares::default();
    let reading_spares = spares.clone();
    std::thread::Builder::new()
        .name("rows".into())
        .spawn_scoped(scope, move || {
            read_input(index, path, config, resolver, &sender, &reading_spares);
        })
        .map_err(|source| AuditError::Io {
            path: path.display().to_string(),
            source,
        })?;
    Ok(Started {
        pieces,
        hashing,
        spares,
    })
}

/// The reading thread of one input.
fn read_input(
    index: usize,
    path: &Path,
    config: &AuditConfig,
    resolver: &Resolver<'_>,
    sender: &SyncSender<Result<Piece, AuditError>>,
    spares: &Spares,
) {
    let reader = match open(index, path, config, resolver) {
        Ok((reader, opened)) => {
            if sender.send(Ok(Piece::Opened(opened))).is_err() {
                return;
            }
            reader
        }
        Err(err) => {
            let _ = sender.send(Err(err));
            return;
        }
    };
    read_chunks(reader, spares, |chunk| {
        sender
            .send(chunk.map(Piece::Rows).map_err(AuditError::Input))
            .is_ok()
    });
}

fn open(
    index: usize,
    path: &Path,
    config: &AuditConfig,
    resolver: &Resolver<'_>,
) -> Result<(Box<dyn ingest::RowReader>, Box<Opened>), AuditError> {
    let reader = ingest::open(path, &config.read)?;
    // From the reader, so CSV rows with the wrong number of fields are rejected.
    let schema = Schema::for_reader(reader.as_ref(), index, &config.read)?;
    let summary = InputSummary::start(path, reader.as_ref(), &schema);
    let origin = RowOrigin {
        file: summary.path.clone(),
        sheet: summary.sheet.clone(),
        policy_column: schema.source_of(crate::ticket::Column::Policy),
    };
    let winners = if schema.has_latest() {
        let first_pass = ingest::open(path, &config.read)?;
        Some(latest_rows(
            first_pass,
            &schema,
            &origin,
            resolver,
            config.period,
        )?)
    } else {
        None
    };
    let opened = Opened {
        schema,
        summary,
        origin,
        winners,
    };
    Ok((reader, Box::new(opened)))
}

//! An external merge sort for the generator: items are collected in runs of a fixed count,
//! each full run sorted and spilled to an anonymous temporary file, and the runs read back
//! merged. At most one run is held in memory while items are pushed, and one item per run
//! while they are merged, whatever the number of items.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufReader, BufWriter, Read, Seek as _, SeekFrom, Write};

use serde::de::DeserializeOwned;
use serde::Serialize;

/// Items sorted by their `Ord`, spilled past `per_run` of them.
pub(super) struct ExternalSort<T> {
    per_run: usize,
    held: Vec<T>,
    runs: Vec<File>,
}

impl<T: Ord + Serialize + DeserializeOwned> ExternalSort<T> {
    /// A sort holding at most `per_run` items (at least one) before it spills them.
    pub(super) fn new(per_run: usize) -> ExternalSort<T> {
        ExternalSort {
            per_run: per_run.max(1),
            held: Vec::new(),
            runs: Vec::new(),
        }
    }

    /// Adds `item`; a full run is sorted and spilled.
    pub(super) fn push(&mut self, item: T) -> io::Result<()> {
        self.held.push(item);
        if self.held.len() >= self.per_run {
            self.spill()?;
        }
        Ok(())
    }

    fn spill(&mut self) -> io::Result<()> {
        self.held.sort_unstable();
        let mut out = BufWriter::new(tempfile::tempfile()?);
        for item in self.held.drain(..) {
            write_frame(&mut out, &item)?;
        }
        let mut file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.seek(SeekFrom::Start(0))?;
        self.runs.push(file);
        Ok(())
    }

    /// Every item pushed, in order. Items that compare equal come in no particular order.
    pub(super) fn into_sorted(mut self) -> io::Result<Merged<T>> {
        if self.runs.is_empty() {
            self.held.sort_unstable();
            return Ok(Merged {
                held: self.held.into_iter(),
                readers: Vec::new(),
                heads: BinaryHeap::new(),
            });
        }
        if !self.held.is_empty() {
            self.spill()?;
        }
        let mut readers: Vec<_> = self
            .runs
            .into_iter()
            .map(|file| BufReader::with_capacity(64 << 10, file))
            .collect();
        let mut heads = BinaryHeap::with_capacity(readers.len());
        for (run, reader) in readers.iter_mut().enumerate() {
            if let Some(item) = read_frame(reader)? {
                heads.push(Reverse(Head { item, run }));
            }
        }
        Ok(Merged {
            held: Vec::new().into_iter(),
            readers,
            heads,
        })
    }
}

/// The next item of one run, ordered by the item.
struct Head<T> {
    item: T,
    run: usize,
}

impl<T: Ord> PartialEq for Head<T> {
    fn eq(&self, other: &Self) -> bool {
        self.item == other.item
    }
}

impl<T: Ord> Eq for Head<T> {}

impl<T: Ord> PartialOrd for Head<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl<T: Ord> Ord for Head<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.item.cmp(&other.item)
    }
}

/// The items of an [`ExternalSort`] in order: from memory when nothing was spilled, else
/// merged from the runs.
pub(super) struct Merged<T> {
    held: std::vec::IntoIter<T>,
    readers: Vec<BufReader<File>>,
    heads: BinaryHeap<Reverse<Head<T>>>,
}

impl<T: Ord + DeserializeOwned> Iterator for Merged<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if let Some(item) = self.held.next() {
            return Some(Ok(item));
        }
        let Reverse(Head { item, run }) = self.heads.pop()?;
        match read_frame(&mut self.readers[run]) {
            Ok(Some(next)) => self.heads.push(Reverse(Head { item: next, run })),
            Ok(None) => {}
            Err(err) => return Some(Err(err)),
        }
        Some(Ok(item))
    }
}

/// Writes one item: its postcard bytes after their length.
fn write_frame(out: &mut impl Write, item: &impl Serialize) -> io::Result<()> {
    let bytes = postcard::to_stdvec(item).map_err(io::Error::other)?;
    out.write_all(&(bytes.len() as u32).to_le_bytes())?;
    out.write_all(&bytes)
}

/// Reads back one item written by [`write_frame`]; `None` at the end of the run.
fn read_frame<T: DeserializeOwned>(reader: &mut impl Read) -> io::Result<Option<T>> {
    let mut length = [0u8; 4];
    match reader.read_exact(&mut length) {
        Ok(()) => {}
        Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(err) => return Err(err),
    }
    let mut bytes = vec![0u8; u32::from_le_bytes(length) as usize];
    reader.read_exact(&mut bytes)?;
    postcard::from_bytes(&bytes)
        .map(Some)
        .map_err(io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::ExternalSort;

    #[test]
    fn items_come_back_in_order_from_memory_and_from_many_runs() {
        // A scrambled sequence with repeats.
        let items: Vec<(u32, String)> = (0..1000u32)
            .map(|i| ((i * 7919) % 613, format!("item {i}")))
            .collect();
        let mut expected = items.clone();
        expected.sort();
        for per_run in [1, 3, 64, 5000] {
            let mut sort = ExternalSort::new(per_run);
            for item in items.clone() {
                sort.push(item).unwrap();
            }
            let back: Vec<(u32, String)> =
                sort.into_sorted().unwrap().map(Result::unwrap).collect();
            assert_eq!(back, expected, "{per_run} items per run");
        }
    }

    #[test]
    fn nothing_pushed_gives_nothing_back() {
        let sort: ExternalSort<u64> = ExternalSort::new(4);
        assert_eq!(sort.into_sorted().unwrap().count(), 0);
    }
}

//! Parquet exports (cargo feature `parquet`): read through polars into memory (columnar and
//! compact), then handed out row by row as cells: dates and datetimes become
//! [`RawCell::DateTime`], integers and decimals exact text, floats numbers.

use std::fs::File;
use std::path::Path;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use polars::prelude::{AnyValue, DataFrame, SerReader, TimeUnit};
use rust_decimal::Decimal;

use super::{io_reason, unreadable, IngestError, Options, RawCell, RawRow, RowReader, NO_HEADER};

/// The rows of a Parquet file; the header is the column names.
pub(super) struct ParquetRows {
    source_file: String,
    header: Vec<String>,
    frame: DataFrame,
    next: usize,
}

impl ParquetRows {
    pub(super) fn open(
        path: &Path,
        source_file: String,
        _options: &Options,
    ) -> Result<ParquetRows, IngestError> {
        let file = File::open(path).map_err(|err| unreadable(&source_file, io_reason(&err)))?;
        let mut frame = polars::prelude::ParquetReader::new(file)
            .finish()
            .map_err(|_| {
                unreadable(
                    &source_file,
                    "not a spreadsheet: cannot be read as .parquet",
                )
            })?;
        if frame.width() == 0 {
            return Err(unreadable(&source_file, NO_HEADER));
        }
        frame.rechunk_mut();
        let header = frame
            .columns()
            .iter()
            .map(|column| column.name().trim().to_string())
            .collect();
        Ok(ParquetRows {
            source_file,
            header,
            frame,
            next: 0,
        })
    }
}

impl RowReader for ParquetRows {
    fn header(&self) -> &[String] {
        &self.header
    }

    fn sheet(&self) -> Option<&str> {
        None
    }

    fn source_file(&self) -> &str {
        &self.source_file
    }

    fn next_row(&mut self) -> Result<Option<RawRow>, IngestError> {
        while self.next < self.frame.height() {
            let index = self.next;
            self.next += 1;
            let cells: Vec<RawCell> = self
                .frame
                .columns()
                .iter()
                .map(|column| {
                    column
                        .get(index)
                        .map_or(RawCell::Empty, |value| cell_of(&value))
                })
                .collect();
            let blank = cells.iter().all(|cell| match cell {
                RawCell::Empty => true,
                RawCell::Text(text) => text.trim().is_empty(),
                _ => false,
            });
            if !blank {
                // Row 1 is the header, as a spreadsheet would show the table.
                return Ok(Some(RawRow::new(index as u64 + 2, cells)));
            }
        }
        Ok(None)
    }
}

fn cell_of(value: &AnyValue<'_>) -> RawCell {
    match value {
        AnyValue::Null => RawCell::Empty,
        AnyValue::Boolean(flag) => RawCell::Bool(*flag),
        AnyValue::String(text) => RawCell::text(*text),
        AnyValue::StringOwned(text) => RawCell::text(text.to_string()),
        // Integers as exact text: ids beyond 2^53 must not go through a float.
        AnyValue::Int8(_)
        | AnyValue::Int16(_)
        | AnyValue::Int32(_)
        | AnyValue::Int64(_)
        | AnyValue::Int128(_)
        | AnyValue::UInt8(_)
        | AnyValue::UInt16(_)
        | AnyValue::UInt32(_)
        | AnyValue::UInt64(_)
        | AnyValue::UInt128(_) => RawCell::text(value.to_string()),
        // The shortest text of the f32, read back as f64: 0.1f32 stays 0.1.
        AnyValue::Float32(number) => {
            RawCell::Number(number.to_string().parse().unwrap_or(f64::from(*number)))
        }
        AnyValue::Float64(number) => RawCell::Number(*number),
        AnyValue::Date(days) => NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|epoch| epoch.checked_add_signed(chrono::Duration::days(i64::from(*days))))
            .map_or(RawCell::error("date out of range"), |date| {
                RawCell::DateTime(date.and_time(NaiveTime::MIN))
            }),
        AnyValue::Datetime(ticks, unit, zone) => datetime_cell(*ticks, *unit, zone.is_some()),
        AnyValue::DatetimeOwned(ticks, unit, zone) => datetime_cell(*ticks, *unit, zone.is_some()),
        AnyValue::Decimal(mantissa, _precision, scale) => {
            match Decimal::try_from_i128_with_scale(*mantissa, *scale as u32) {
                Ok(decimal) => RawCell::text(decimal.to_string()),
                Err(_) => RawCell::text(value.to_string()),
            }
        }
        other => RawCell::text(other.to_string()),
    }
}

/// A datetime column: without a time zone it is local wall time; with one, an instant,
/// written as UTC with its offset so it reads back as a fixed-offset value.
fn datetime_cell(ticks: i64, unit: TimeUnit, zoned: bool) -> RawCell {
    let instant: Option<DateTime<Utc>> = match unit {
        TimeUnit::Nanoseconds => Some(DateTime::from_timestamp_nanos(ticks)),
        TimeUnit::Microseconds => DateTime::from_timestamp_micros(ticks),
        TimeUnit::Milliseconds => DateTime::from_timestamp_millis(ticks),
    };
    match instant {
        None => RawCell::error("datetime out of range"),
        Some(instant) if zoned => {
            RawCell::text(instant.format("%Y-%m-%dT%H:%M:%S%.f+00:00").to_string())
        }
        Some(instant) => RawCell::DateTime(instant.naive_utc()),
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::{Column, DataType, ParquetWriter};

    use super::*;
    use crate::ingest::{open, read_all, Row};
    use crate::ticket::When;

    #[test]
    fn a_parquet_export_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tickets.parquet");
        let days = |y, m, d| {
            (NaiveDate::from_ymd_opt(y, m, d).unwrap()
                - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
            .num_days() as i32
        };
        let millis = |at: chrono::NaiveDateTime| at.and_utc().timestamp_millis();
        let applied = NaiveDate::from_ymd_opt(2026, 10, 2)
            .unwrap()
            .and_hms_opt(10, 30, 0)
            .unwrap();
        let mut frame = DataFrame::new_infer_height(vec![
            Column::new("工单号".into(), &["P1", "P2", ""]),
            Column::new("refund_amount".into(), &[Some(19.9), None, None]),
            Column::new("order_id".into(), &[9_007_199_254_740_993i64, 2, 3]),
            Column::new("activated".into(), &[Some(true), Some(false), None]),
            Column::new(
                "delivered_at".into(),
                &[Some(days(2026, 10, 1)), None, None],
            )
            .cast(&DataType::Date)
            .unwrap(),
            Column::new("applied_at".into(), &[Some(millis(applied)), None, None])
                .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))
                .unwrap(),
        ])
        .unwrap();
        let mut file = File::create(&path).unwrap();
        ParquetWriter::new(&mut file).finish(&mut frame).unwrap();
        drop(file);

        let mut reader = open(&path, &Options::default()).unwrap();
        assert_eq!(reader.header()[0], "工单号");
        let first = reader.next_row().unwrap().unwrap();
        assert_eq!(first.row, 2);
        assert_eq!(first.cells[0], RawCell::text("P1"));
        assert_eq!(first.cells[1], RawCell::Number(19.9));
        assert_eq!(first.cells[2], RawCell::text("9007199254740993"));
        assert_eq!(first.cells[3], RawCell::Bool(true));
        assert_eq!(
            first.cells[4],
            RawCell::DateTime(
                NaiveDate::from_ymd_opt(2026, 10, 1)
                    .unwrap()
                    .and_time(NaiveTime::MIN)
            )
        );
        assert_eq!(first.cells[5], RawCell::DateTime(applied));

        let (_, rows) = read_all(&path, 0, &Options::default()).unwrap();
        assert_eq!(rows.len(), 3, "the third row still has an order id");
        let Row::Ticket(ticket) = &rows[0] else {
            panic!("{:?}", rows[0]);
        };
        assert_eq!(ticket.order_id.as_deref(), Some("9007199254740993"));
        assert_eq!(ticket.refund_amount, Some("19.9".parse().unwrap()));
        assert_eq!(ticket.activated, Some(true));
        assert_eq!(ticket.delivered_at, NaiveDate::from_ymd_opt(2026, 10, 1));
        assert_eq!(ticket.applied_at, Some(When::Local(applied)));
        let Row::Rejected(problems) = &rows[2] else {
            panic!("{:?}", rows[2]);
        };
        assert_eq!(problems[0].reason, "ticket_id is blank");
        assert_eq!(problems[0].source_row, 4);
    }

    #[test]
    fn zoned_datetimes_are_instants() {
        let cell = datetime_cell(0, TimeUnit::Milliseconds, true);
        assert_eq!(cell, RawCell::text("1970-01-01T00:00:00+00:00"));
        let local = datetime_cell(1_000_000, TimeUnit::Microseconds, false);
        assert_eq!(
            local,
            RawCell::DateTime(
                NaiveDate::from_ymd_opt(1970, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 1)
                    .unwrap()
            )
        );
    }

    #[test]
    fn a_file_that_is_not_parquet() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fake.parquet");
        std::fs::write(&path, b"ticket_id\nT1\n").unwrap();
        let err = open(&path, &Options::default()).err().unwrap();
        assert_eq!(
            err.to_string(),
            format!(
                "{}: not a spreadsheet: cannot be read as .parquet",
                path.display()
            )
        );
    }
}

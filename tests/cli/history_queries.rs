//! The example queries of docs/HISTORY.md, each run against a generated history of five
//! monthly runs and checked against the runs' own outputs.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::Connection;
use rust_decimal::Decimal;

use crate::harness::{read_csv, read_json, Scratch};
use crate::history::{audit, Year, MONTH_ENDS};

/// The ```sql blocks of docs/HISTORY.md, in order.
fn documented_queries() -> Vec<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/HISTORY.md"))
            .unwrap();
    doc.split("```sql")
        .skip(1)
        .map(|block| block.split("```").next().unwrap().to_owned())
        .collect()
}

fn rows_of(db: &Connection, sql: &str) -> Vec<Vec<Value>> {
    let mut statement = db.prepare(sql).unwrap_or_else(|e| panic!("{e}: {sql}"));
    let columns = statement.column_count();
    statement
        .query_map([], |row| {
            (0..columns).map(|i| row.get::<_, Value>(i)).collect()
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn text(value: &Value) -> String {
    match value {
        Value::Text(text) => text.clone(),
        Value::Integer(n) => n.to_string(),
        Value::Real(x) => x.to_string(),
        Value::Null => String::new(),
        Value::Blob(_) => panic!("no blobs in a history"),
    }
}

fn integer(value: &Value) -> i64 {
    match value {
        Value::Integer(n) => *n,
        other => panic!("expected an integer, got {other:?}"),
    }
}

#[test]
fn the_documented_queries_answer_what_they_say() {
    let scratch = Scratch::new();
    let year = Year::generate(&scratch, 330);
    let months = &MONTH_ENDS[..5];
    for (month, as_of) in months.iter().enumerate() {
        let export = year.write(&scratch, month);
        audit(
            &scratch,
            &export,
            as_of,
            &format!("out/{as_of}"),
            &["--history", "h.sqlite"],
        );
    }
    let summaries: Vec<serde_json::Value> = months
        .iter()
        .map(|as_of| read_json(&scratch.path(&format!("out/{as_of}/summary.json"))))
        .collect();
    let latest = &summaries[4];
    let db = Connection::open(scratch.path("h.sqlite")).unwrap();
    let queries = documented_queries();
    assert_eq!(queries.len(), 5, "five example queries");

    // 1. Over-charged money per courier and month: adds up to the latest run's total.
    let rows = rows_of(&db, &queries[0]);
    assert!(rows.len() > 1, "{rows:?}");
    let total: Decimal = rows
        .iter()
        .map(|row| text(&row[2]).parse::<Decimal>().unwrap())
        .sum();
    assert_eq!(
        total.to_string(),
        latest["money"]["customer_overcharged"].as_str().unwrap()
    );

    // 2. Open longer than 90 days: from the findings.csv of each run, the ids of the latest run
    // (none is waived here) in every run since one more than 90 days before its as-of.
    let date = |text: &str| NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap();
    let mut first_seen: BTreeMap<String, NaiveDate> = BTreeMap::new();
    let mut latest_ids = Vec::new();
    for as_of in months {
        let rows = read_csv(&scratch.path(&format!("out/{as_of}/findings.csv")));
        latest_ids = rows[1..].iter().map(|row| row[0].clone()).collect();
        // A finding missing from this run starts again when it comes back.
        first_seen.retain(|id, _| latest_ids.contains(id));
        for id in &latest_ids {
            first_seen.entry(id.clone()).or_insert(date(as_of));
        }
    }
    latest_ids.sort();
    latest_ids.dedup();
    let expected: Vec<(String, i64)> = {
        let mut old: Vec<(String, i64)> = latest_ids
            .iter()
            .map(|id| (id.clone(), (date(months[4]) - first_seen[id]).num_days()))
            .filter(|(_, days)| *days > 90)
            .collect();
        old.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        old
    };
    let found: Vec<(String, i64)> = rows_of(&db, &queries[1])
        .iter()
        .map(|row| (text(&row[0]), integer(&row[5])))
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(found, expected);

    // 3. Run by run, as each summary.json has it.
    let rows = rows_of(&db, &queries[2]);
    let expected: Vec<Vec<String>> = summaries
        .iter()
        .zip(months)
        .map(|(s, as_of)| {
            let audited = s["totals"]["rows_audited"].as_f64().unwrap();
            let violations = s["findings_by_severity"]["violation"].as_f64().unwrap();
            vec![
                (*as_of).to_owned(),
                s["totals"]["rows_audited"].to_string(),
                s["totals"]["findings"].to_string(),
                s["findings_by_severity"]["violation"].to_string(),
                format!("{}", (10000.0 * violations / audited).round() / 100.0),
                s["previous"]["new"].to_string(),
                s["previous"]["resolved"].to_string(),
            ]
        })
        .collect();
    let found: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(text).collect())
        .collect();
    assert_eq!(found, expected);

    // 4. What the latest run resolved: as many as its summary counts.
    let resolved = rows_of(&db, &queries[3]);
    assert!(!resolved.is_empty());
    assert_eq!(
        resolved.len() as u64,
        latest["previous"]["resolved"].as_u64().unwrap()
    );

    // 5. Late refunds per agent: every refund-cycle.late finding of the latest run.
    let per_agent = rows_of(&db, &queries[4]);
    let late: i64 = per_agent.iter().map(|row| integer(&row[1])).sum();
    assert!(late > 0);
    assert_eq!(
        late as u64,
        latest["findings_by_rule"]["refund-cycle.late"]
            .as_u64()
            .unwrap()
    );
}

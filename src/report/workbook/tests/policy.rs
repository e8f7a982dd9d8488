//! The shipped JOINING policy, for the workbook tests.

use crate::policy::{Policy, PolicySet};

pub fn joining() -> Policy {
    let set = PolicySet::load(None).expect("the shipped policies load");
    let joining = set
        .versions_of("joining")
        .next()
        .expect("JOINING is shipped")
        .clone();
    joining
}

//! Arbitrary bytes as an XLSX export, read by the parallel reader and by calamine's: both must
//! give the same header, rows and cells, or fail with the same message.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| rma_audit_fuzz::readers_agree(data));

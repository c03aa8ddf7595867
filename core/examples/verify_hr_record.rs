//! Checks a Career Talk HR record file without the app: every record's two signatures must
//! verify with the public keys it carries, over the content it shows.
//!
//! ```text
//! cargo run -p career-core --example verify_hr_record -- career-talk-hr-record.json
//! ```
//!
//! Exit status 0 when every record verifies, 1 when one does not, 2 when the file cannot be
//! read. Keep the keys it prints: the same person's key should stay the same from one year
//! to the next (a new device shows as a new key).

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: verify_hr_record <career-talk-hr-record.json>");
        return ExitCode::from(2);
    };
    let json = match std::fs::read_to_string(&path) {
        Ok(json) => json,
        Err(e) => {
            eprintln!("{path}: {e}");
            return ExitCode::from(2);
        }
    };
    match career_core::reports::hr::verify(&json) {
        Ok(records) => {
            for r in &records {
                println!(
                    "verified  {}  discussion {}\n  leader   {} key {}\n  employee {} key {}",
                    r.person, r.discussion_id, r.leader, r.leader_key, r.employee, r.employee_key
                );
            }
            println!("{} record(s): every signature verifies", records.len());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("NOT VERIFIED: {e}");
            ExitCode::from(1)
        }
    }
}

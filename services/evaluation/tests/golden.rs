//! The golden-set benchmark as a regression guard: the bench binary must meet its targets
//! (Spearman >= 0.75 against the human labels, no poor answer above 3).

use std::process::Command;

#[test]
fn the_built_in_evaluator_meets_the_golden_set_targets() {
    let output = Command::new(env!("CARGO_BIN_EXE_golden-bench"))
        .output()
        .expect("golden-bench runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "golden-bench missed its targets:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("targets met"), "{stdout}");
}

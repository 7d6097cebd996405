//! `make demo` must keep working: run the demo binary end to end (sandbox, simulator, webhook,
//! real kubectl, the plugin). Every demo step checks its own expected outcome and exit code, so a
//! regression anywhere in the walk-through fails here.

use std::path::Path;
use std::process::Command;

#[test]
fn demo_walkthrough_completes_with_every_step_as_expected() {
    let demo = env!("CARGO_BIN_EXE_flink-demo");
    let dir = Path::new(demo).parent().expect("bin dir");
    for bin in ["kubectl-savepoint", "savepoint-webhook"] {
        assert!(
            dir.join(bin).is_file(),
            "{bin} must be built first (make test / cargo test --workspace build every binary)"
        );
    }
    let out = Command::new(demo).output().expect("running flink-demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "demo failed\nstdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(
        stdout.contains("admission webhook"),
        "the override was not denied by the webhook:\n{stdout}"
    );
    assert!(stdout.contains("Demo complete"), "{stdout}");
}

//! Records the compiler version for the report.

use std::process::Command;

fn main() {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| String::from("rustc"));
    let version = Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| String::from_utf8(out.stdout).ok())
        .map_or_else(|| String::from("rustc (unknown version)"), |v| v.trim().to_owned());
    println!("cargo:rustc-env=COMPARE_RUSTC={version}");
    println!("cargo:rerun-if-env-changed=RUSTC");
}

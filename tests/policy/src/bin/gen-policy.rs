//! Writes the generated files of `manifests/policy`.

fn main() -> std::io::Result<()> {
    let dir = std::path::Path::new(flink_policy::POLICY_DIR);
    std::fs::create_dir_all(dir)?;
    for (name, text) in flink_policy::render() {
        let path = dir.join(name);
        std::fs::write(&path, text)?;
        println!("wrote {}", path.display());
    }
    Ok(())
}

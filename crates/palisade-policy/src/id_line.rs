/// 1-based line of `id = "<id>"` in a guard pack's text (0 if absent).
///
/// Shared, through `include!`, by the build script and `guard.rs`, so both
/// number rules the same way.
fn id_line(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim();
            l.starts_with("id") && l.contains(&format!("\"{id}\""))
        })
        .map(|i| i + 1)
        .unwrap_or(0)
}
